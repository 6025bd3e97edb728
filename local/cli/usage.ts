export const CLI_USAGE = `Usage: npm run cli -- <command> [options]        (talks to a running \`npm start\`)

  token --member M-1 | --ops | --enrolment     print a dev token (Authorization: Bearer <token>)
  console-link --ops | --member M-1            print a browser sign-in link to the ops console or the
                                               member's view (a dev token in the session cookie)
  enrol M-1 [--at <ISO instant>]               enrol a member (POST /api/enrolments as onboarding)
  publish <file.json> | <key=value ...>        publish a real-time card message to the transactions queue
        e.g. publish transactionId=T-1 memberId=M-1 type=LOAD method=APPLE_PAY status=SETTLED amount=250.00
        [--message-id <id>] [--times <n>] (deliver n copies) [--queue <name>]
  drop-feed <file.csv|file.csv.gz> --date YYYY-MM-DD [--version <n>] [--no-wait]
                                               write data file + manifest to the feed container, wait
                                               for the run and print its outcome
  advance <duration>                           move the virtual clock: 31d, 6h, 1d12h, PT6H
  now                                          the host's clock
  progress M-1                                 the member's progress view (GET /api/me/progress)
  funnel                                       members per state (GET /api/ops/funnel, as ops)
  dead-letters                                 dead-lettered queue messages
  topic [name]                                 messages the app published (default: all topics)
  idle [--timeout <ms>]                        wait until queues, blobs and durable work are drained
  demo                                         run 4 members through a whole campaign on the virtual clock
                                               and print each outcome (start the runtime with
                                               --clock virtual on a fresh --data-dir)

Options: --url <base>  (LOCAL_URL, default http://127.0.0.1:7071)
         --data-dir <dir>  (LOCAL_DATA_DIR, default .local; holds the admin key)
`;
