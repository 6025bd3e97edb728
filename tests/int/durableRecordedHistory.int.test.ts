import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { currentRegistry } from '../../local/functionsCore';
import { durableHarness } from '../../local/durable/testing/harness';
import { replayRecorded, recordInstance } from '../../local/durable/testing/recordedHistory';

// The replay check itself can fail: a recording made with one yield sequence is replayed against another.
let sequence: string[] = ['recA_first', 'recA_second'];
df.app.activity('recA_first', { handler: () => 1 });
df.app.activity('recA_second', { handler: () => 2 });
df.app.orchestration('recA_orch', function* (context: OrchestrationContext) {
  const out: unknown[] = [];
  for (const name of sequence) out.push(yield context.df.callActivity(name));
  return out;
});

async function record(): Promise<ReturnType<typeof recordInstance>> {
  const h = await durableHarness();
  try {
    const id = await h.client.startNew('recA_orch');
    await h.engine.whenIdle();
    const instance = h.engine.instance(id);
    if (!instance) throw new Error('not recorded');
    return recordInstance(instance, 'completed');
  } finally {
    await h.close();
  }
}

describe('replay of recorded histories', () => {
  it('passes for the code that recorded it and fails for a changed yield sequence', async () => {
    sequence = ['recA_first', 'recA_second'];
    const recording = await record();
    expect(recording.planned.map((p) => p.name)).toEqual(['recA_first', 'recA_second']);
    expect(await replayRecorded(currentRegistry(), recording)).toBeUndefined();

    sequence = ['recA_second', 'recA_first'];
    expect(await replayRecorded(currentRegistry(), recording)).toMatch(
      /^Non-Deterministic workflow detected/,
    );
    sequence = ['recA_first', 'recA_second', 'recA_second'];
    expect(await replayRecorded(currentRegistry(), recording)).toContain('completed, the replay does not');
    sequence = ['recA_first', 'recA_second'];
  });

  it('fails when the recorded orchestrator is no longer registered', async () => {
    const recording = { ...(await record()), name: 'recA_gone' };
    expect(await replayRecorded(currentRegistry(), recording)).toContain('no longer registered');
  });
});
