import type { Registry } from '../../functionsCore';
import { checkReplay, type PlannedAction } from '../determinism';
import { invocationContextFor } from '../invocation';
import { AZURE_STORAGE_TIMERS } from '../longTimer';
import { callOrchestrator, orchestrationTrigger } from '../orchestratorCall';
import type { InstanceRecord } from '../store';
import type { HistoryEvent, RuntimeStatus } from '../wire';

/** One orchestration instance as recorded from the engine's store (tests/fixtures/durable-histories). */
export interface RecordedInstance {
  /** What the recording shows, e.g. `COMPLETE after the grace period`; for people reading a failure. */
  label: string;
  name: string;
  instanceId: string;
  status: RuntimeStatus;
  /** JSON text, as stored. */
  input: string;
  output: string | null;
  history: HistoryEvent[];
  /** The id-bearing actions the engine planned, in sequence order (what DurableTask.Core replays against). */
  planned: PlannedAction[];
}

export function recordInstance(record: InstanceRecord, label: string): RecordedInstance {
  return {
    label,
    name: record.name,
    instanceId: record.instanceId,
    status: record.status,
    input: record.input,
    output: record.output,
    history: record.history,
    planned: record.planner.planned ?? [],
  };
}

/** Why replaying a recording against today's code would fail on Azure, or undefined when it would not. */
export async function replayRecorded(
  registry: Registry,
  recording: RecordedInstance,
  log: (line: string) => void = () => undefined,
): Promise<string | undefined> {
  const fn = registry.find(recording.name, 'orchestrationTrigger');
  if (!fn)
    return `orchestrator '${recording.name}' is no longer registered: its instances in flight would fail (keep the old version registered)`;
  // The whole history in one replay: every recorded action comes back from the SDK, the last episode's too.
  const history = recording.history.filter((e) => e.EventType !== 1 && e.EventType !== 3);
  const outcome = await callOrchestrator(
    fn.handler,
    orchestrationTrigger({
      history,
      input: JSON.parse(recording.input) as unknown,
      instanceId: recording.instanceId,
      parentInstanceId: null,
      timers: AZURE_STORAGE_TIMERS,
    }),
    invocationContextFor(fn, log, () => ({})),
  );
  if (outcome.kind === 'failed') {
    const recordedFailure = recording.status === 'Failed' && recording.output?.includes(outcome.message);
    return recordedFailure ? undefined : `the replay threw: ${outcome.message}`;
  }
  const nonDeterminism = checkReplay(recording.planned, outcome.actions);
  if (nonDeterminism) return `Non-Deterministic workflow detected: ${nonDeterminism}`;
  if (recording.status === 'Completed') {
    if (!outcome.state.isDone)
      return 'the recorded instance completed, the replay does not (new actions at the end?)';
    const output = JSON.stringify(outcome.state.output ?? null);
    if (output !== recording.output)
      return `the replay completes with ${output}, the recording with ${recording.output}`;
  }
  return undefined;
}
