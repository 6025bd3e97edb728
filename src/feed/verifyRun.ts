import { admit } from '../domain/feedRuns';
import { covers } from './applyChunk';
import { runIdOf } from './manifest';
import type { FeedDeps, FeedLog } from './ports';
import type { VerifyJob, VerifyResult } from './durable';
import type { FeedRun, FeedRunReason } from './runs';
import { progressLine, withProgress } from './progress';
import { verifyData } from './verify';

/** A verification progress line per 64 MiB read (a 5M-row file is ~700 MB). */
const PROGRESS_BYTES = 64 * 1024 * 1024;

/** The ops alert for a refused file: one line ops can search for (and a custom event in App Insights). */
export function alertRejected(log: FeedLog, run: Pick<FeedRun, 'id' | 'file'>, reason: FeedRunReason): void {
  log.error(`FEED_REJECTED run=${run.id} file=${run.file} code=${reason.code} detail=${reason.detail}`);
}

/**
 * Admission then verification, before any effect: the run record says why a file was refused, and a
 * verified run carries its chunk plan. Chunks already checkpointed by an earlier attempt are listed in
 * `done` so a restarted orchestration skips them.
 */
export async function verifyRun(deps: FeedDeps, job: VerifyJob, log: FeedLog): Promise<VerifyResult> {
  const { manifest } = job;
  const runId = runIdOf(manifest);
  const admission = admit(manifest, runId, await deps.runs.listRuns(manifest.businessDate));
  const now = deps.now();
  const base: FeedRun = {
    id: runId,
    businessDate: manifest.businessDate,
    version: manifest.version,
    sha256: manifest.sha256,
    file: manifest.file,
    rowCount: manifest.rowCount,
    status: 'VERIFYING',
    duplicateDrops: 0,
    createdAt: now,
    updatedAt: now,
  };
  switch (admission.kind) {
    case 'DUPLICATE': {
      await deps.runs.saveRun({
        ...admission.of,
        duplicateDrops: admission.of.duplicateDrops + 1,
        updatedAt: now,
      });
      log.warn(`FEED_DUPLICATE run=${runId}: the same file was already applied; nothing done`);
      return { kind: 'DUPLICATE', runId, detail: 'the same file (version and checksum) was already applied' };
    }
    case 'SUPERSEDED': {
      const detail = `version ${admission.by.version} (${admission.by.id}) is already held for ${manifest.businessDate}`;
      await deps.runs.saveRun({ ...base, status: 'SUPERSEDED', reason: { code: 'SUPERSEDED', detail } });
      log.warn(`FEED_SUPERSEDED run=${runId}: ${detail}`);
      return { kind: 'SUPERSEDED', runId, detail };
    }
    case 'CONFLICT':
      return reject(deps, base, log, {
        code: 'VERSION_CONFLICT',
        detail: `version ${manifest.version} of ${manifest.businessDate} is already held with checksum ${admission.with.sha256}`,
      });
    case 'PROCEED':
      return verifyBytes(
        deps,
        job,
        {
          ...base,
          createdAt: admission.existing?.createdAt ?? now,
          duplicateDrops: admission.existing?.duplicateDrops ?? 0,
        },
        log,
      );
    default: {
      const never: never = admission;
      throw new Error(`unhandled admission ${JSON.stringify(never)}`);
    }
  }
}

async function verifyBytes(
  deps: FeedDeps,
  job: VerifyJob,
  run: FeedRun,
  log: FeedLog,
): Promise<VerifyResult> {
  await deps.runs.saveRun(run);
  const opened = await deps.blobs.open(job.container, run.file);
  if (opened.kind === 'MISSING') {
    return reject(deps, run, log, {
      code: 'DATA_FILE_MISSING',
      detail: `${job.container}/${run.file} does not exist`,
    });
  }
  const gzip = run.file.endsWith('.gz');
  const staging = gzip
    ? deps.blobs.stage(job.stagingContainer, `${run.id.replace(/:/g, '_')}.csv`)
    : undefined;
  const started = performance.now(); // wall time: Date follows the virtual clock locally
  const stream = withProgress(opened.stream, PROGRESS_BYTES, (done) =>
    log.log(progressLine(`${run.id} verify`, done, opened.size, started, performance.now(), 'bytes')),
  );
  const outcome = await verifyData(stream, {
    sha256: run.sha256,
    rowCount: run.rowCount,
    gzip,
    chunkRows: job.chunkRows,
    ...(staging ? { onDecompressed: (bytes: Buffer) => staging.write(bytes) } : {}),
  });
  if (!outcome.ok) {
    await staging?.abort();
    return reject(deps, run, log, outcome.reason);
  }
  const data = staging
    ? await staging.commit()
    : { container: job.container, blob: run.file, etag: opened.etag };
  await deps.runs.saveRun({
    ...run,
    status: 'APPLYING',
    plan: { data, chunks: outcome.chunks },
    updatedAt: deps.now(),
  });
  const checkpoints = await deps.runs.listChunks(run.businessDate, run.id);
  const done = outcome.chunks.filter((plan) => checkpoints.some((c) => covers(c, plan))).map((c) => c.index);
  log.log(
    `feed ${run.id} verified: ${outcome.records} records, ${outcome.totalBytes} bytes, ${outcome.chunks.length} chunks ` +
      `(${done.length} already applied) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { kind: 'VERIFIED', runId: run.id, data, chunks: outcome.chunks, done };
}

async function reject(
  deps: FeedDeps,
  run: FeedRun,
  log: FeedLog,
  reason: FeedRunReason,
): Promise<VerifyResult> {
  await deps.runs.saveRun({ ...run, status: 'REJECTED', reason, updatedAt: deps.now() });
  alertRejected(log, run, reason);
  return { kind: 'REJECTED', runId: run.id, detail: `${reason.code}: ${reason.detail}` };
}
