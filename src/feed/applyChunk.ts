import { StringDecoder } from 'node:string_decoder';
import { mapBounded } from '../adapters/concurrency';
import { quarantineId } from '../adapters/documents/quarantine';
import type { MergeResult } from '../adapters/ports';
import type { Observation } from '../domain/observation';
import { isOvertaken } from '../domain/feedRuns';
import { ChunkClassifier, type BadRow, type LinedObservation } from './classify';
import type { FeedDeps, FeedLog } from './ports';
import { RecordSplitter } from './records';
import type { ChunkJob, ChunkPlan, ChunkResult } from './durable';
import { REPORT_LIST_LIMIT, type AmountMismatch, type ChunkCheckpoint } from './runs';

const EFFECT_CONCURRENCY = 16;

/** `feed:{date}:v{version}:line:{n}` keys the quarantine, so a re-run lands on the same documents. */
export const quarantineKeyOf = (businessDate: string, version: number, line: number): string =>
  `${businessDate}:v${version}:line:${line}`;

export const checkpointIdOf = (runId: string, index: number): string => `${runId}:chunk:${index}`;

/** Whether a checkpoint is of this very chunk (a changed FEED_CHUNK_ROWS makes other ranges). */
export const covers = (c: Pick<ChunkCheckpoint, 'index' | 'offset' | 'end'>, plan: ChunkPlan): boolean =>
  c.index === plan.index && c.offset === plan.offset && c.end === plan.end;

/**
 * Applies one verified chunk: classify (cohort first), merge into the ledger in bulk, quarantine bad
 * rows, one `applyFeedBatch` per member and at most one `hold` per member, then the checkpoint. Every
 * effect is idempotent, so a chunk re-run after a crash changes nothing twice; a checkpointed chunk is
 * skipped outright.
 */
export async function applyChunk(
  deps: FeedDeps,
  cohort: ReadonlySet<string>,
  job: ChunkJob,
  log: FeedLog,
): Promise<ChunkResult> {
  const { chunk } = job;
  const started = performance.now(); // wall time: Date follows the virtual clock locally
  const done = await deps.runs.getChunk(job.businessDate, checkpointIdOf(job.runId, chunk.index));
  if (done && covers(done, chunk)) return { kind: 'SKIPPED', index: chunk.index, rows: chunk.rows };
  const overtaken = isOvertaken(job.version, await deps.runs.listRuns(job.businessDate));
  if (overtaken) return { kind: 'SUPERSEDED', index: chunk.index, by: overtaken.id };

  const classified = await classifyRange(deps, cohort, job);
  if (classified === 'CHANGED') return { kind: 'DATA_CHANGED', index: chunk.index };
  const { classifier, observations, bad } = classified;

  const merged = await deps.ledger.mergeMany(observations.map((o) => o.observation));
  const outcome = reconcileMerges(observations, merged, bad);
  classifier.tally.applied -= outcome.conflicts;
  classifier.tally.rejected += outcome.conflicts;

  await quarantine(deps, job, bad);
  const members = await signal(deps, job, outcome.accepted, bad);
  const checkpoint: ChunkCheckpoint = {
    id: checkpointIdOf(job.runId, chunk.index),
    runId: job.runId,
    businessDate: job.businessDate,
    version: job.version,
    index: chunk.index,
    offset: chunk.offset,
    end: chunk.end,
    tally: classifier.tally,
    rejected: bad.slice(0, REPORT_LIST_LIMIT).map(({ line, code, detail }) => ({ line, code, detail })),
    appliedKeys: outcome.accepted.map(keyOf),
    matchedKeys: outcome.matched,
    mismatches: outcome.mismatches,
    members: members.signalled,
    heldMembers: members.held,
    completedAt: deps.now(),
  };
  await deps.runs.saveChunk(checkpoint);
  const seconds = (performance.now() - started) / 1000;
  log.log(
    `feed ${job.runId} chunk ${chunk.index + 1}/${job.chunkCount}: ${chunk.rows} rows (${classifier.tally.campaignRows} campaign, ` +
      `${classifier.tally.applied} applied, ${classifier.tally.rejected} rejected) in ${seconds.toFixed(1)} s`,
  );
  return { kind: 'APPLIED', index: chunk.index, rows: chunk.rows, wallMs: seconds * 1000 };
}

/** Streams the chunk's byte range through the splitter and the classifier. */
async function classifyRange(deps: FeedDeps, cohort: ReadonlySet<string>, job: ChunkJob) {
  const { chunk } = job;
  const read = await deps.blobs.readRange(job.data, chunk.offset, chunk.end);
  if (read.kind === 'CHANGED') return 'CHANGED' as const;
  const classifier = new ChunkClassifier({ ...job, cohort });
  const splitter = new RecordSplitter(chunk.firstLine, classifier.onRecord);
  const decoder = new StringDecoder('utf8');
  for await (const bytes of read.stream) splitter.push(decoder.write(bytes));
  splitter.push(decoder.end());
  if (splitter.end().unterminated || classifier.tally.rowsRead !== chunk.rows) {
    // Verified bytes read under If-Match cannot differ: this is a bug or a storage fault, so retry.
    throw new Error(
      `chunk ${chunk.index} of ${job.runId}: read ${classifier.tally.rowsRead} records, planned ${chunk.rows}`,
    );
  }
  return { classifier, ...classifier.drain() };
}

interface MergeOutcome {
  accepted: Observation[];
  conflicts: number;
  matched: string[];
  mismatches: AmountMismatch[];
}

const keyOf = (o: Observation): string => `${o.transactionId}|${o.status}`;

/** Ledger conflicts become bad rows; the rest are matched against the real-time observations they met. */
function reconcileMerges(
  observations: readonly LinedObservation[],
  merged: readonly MergeResult[],
  bad: BadRow[],
): MergeOutcome {
  const out: MergeOutcome = { accepted: [], conflicts: 0, matched: [], mismatches: [] };
  observations.forEach(({ observation: o, line }, i) => {
    const result = merged[i];
    if (!result) throw new Error(`ledger returned no result for ${o.transactionId}`);
    if (result.outcome === 'CONFLICT') {
      out.conflicts += 1;
      bad.push({
        line,
        code: `LEDGER.${result.reason}`,
        detail: `transaction ${o.transactionId} is held as ${result.existing.type} of member ${result.existing.memberId}`,
        raw: JSON.stringify(o),
        memberId: o.memberId,
        transactionId: o.transactionId,
      });
      return;
    }
    out.accepted.push(o);
    const realtime = result.record.observations.filter((r) => r.source === 'REALTIME');
    if (realtime.length === 0) return;
    out.matched.push(keyOf(o));
    const differing = realtime.find((r) => r.audCents !== o.audCents);
    if (differing && out.mismatches.length < REPORT_LIST_LIMIT) {
      out.mismatches.push({
        transactionId: o.transactionId,
        memberId: o.memberId,
        realtimeAudCents: differing.audCents,
        feedAudCents: o.audCents,
      });
    }
  });
  bad.sort((a, b) => a.line - b.line);
  return out;
}

async function quarantine(deps: FeedDeps, job: ChunkJob, bad: readonly BadRow[]): Promise<void> {
  const receivedAt = deps.now();
  await mapBounded(bad, EFFECT_CONCURRENCY, (row) =>
    deps.quarantine.put({
      key: quarantineKeyOf(job.businessDate, job.version, row.line),
      source: 'FEED',
      reason: row.code,
      detail: row.detail,
      ...(row.memberId !== undefined ? { memberId: row.memberId } : {}),
      ...(row.transactionId !== undefined ? { transactionId: row.transactionId } : {}),
      businessDate: job.businessDate,
      line: row.line,
      raw: { file: job.file, line: row.line, text: row.raw },
      receivedAt,
    }),
  );
}

/** One batch per member with observations; one hold per member with bad rows (pointing at the first). */
async function signal(
  deps: FeedDeps,
  job: ChunkJob,
  accepted: readonly Observation[],
  bad: readonly BadRow[],
): Promise<{ signalled: string[]; held: string[] }> {
  const at = deps.now();
  const byMember = new Map<string, Observation[]>();
  for (const o of accepted) byMember.set(o.memberId, [...(byMember.get(o.memberId) ?? []), o]);
  const holds = new Map<string, BadRow[]>();
  for (const row of bad)
    if (row.memberId !== undefined) holds.set(row.memberId, [...(holds.get(row.memberId) ?? []), row]);

  await mapBounded([...byMember], EFFECT_CONCURRENCY, ([memberId, observations]) =>
    deps.signals.applyFeedBatch(memberId, {
      businessDate: job.businessDate,
      version: job.version,
      observations,
      at,
    }),
  );
  await mapBounded([...holds], EFFECT_CONCURRENCY, ([memberId, rows]) => {
    const first = rows[0] as BadRow;
    const more = rows.length > 1 ? ` (+${rows.length - 1} more rows)` : '';
    return deps.signals.hold(memberId, {
      businessDate: job.businessDate,
      version: job.version,
      at,
      ref: quarantineId('FEED', quarantineKeyOf(job.businessDate, job.version, first.line)),
      reason: `${first.code} at line ${first.line} of ${job.file}${more}`,
    });
  });
  return { signalled: [...byMember.keys()].sort(), held: [...holds.keys()].sort() };
}
