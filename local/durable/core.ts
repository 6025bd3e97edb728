import type { Clock } from '../clock';
import type { Registry } from '../functionsCore';
import type { CounterBook } from './counters';
import type { Delivery } from './delivery';
import type { EngineLimits } from './limits';
import type { TimerSettings } from './longTimer';
import type { DurableStore, TimerRecord } from './store';

/** Which kind of step is about to commit (for fault injection). */
export interface StepInfo {
  kind: 'orchestration' | 'entity' | 'activity';
  /** Instance id or entity id. */
  id: string;
  name: string;
}

/** Test-only hooks. */
export interface FaultInjection {
  /**
   * Called after a step did its work and before it commits. Returning true simulates `kill -9` at that
   * point: the step does not commit and the engine does nothing more, ever (its store stays as is).
   */
  crashBeforeCommit?: (step: StepInfo) => boolean;
}

/** What every step needs; built once by the engine. */
export interface EngineCore {
  store: DurableStore;
  registry: Registry;
  clock: Clock;
  timers: TimerSettings;
  limits: EngineLimits;
  counters: CounterBook;
  /** The order (and duplication) in which entity messages are delivered. */
  delivery: Delivery;
  log: (line: string) => void;
  clientData: () => Record<string, unknown>;
  /** Arms persisted timers on the clock; call only after the transaction that wrote them committed. */
  armTimers: (timers: TimerRecord[]) => void;
  /** Asks the scheduler to look for runnable work. */
  wake: () => void;
  /** True once stopped or crashed: steps must not commit any more. */
  halted: () => boolean;
  /** Applies fault injection; true means "crash here". */
  crashHere: (step: StepInfo) => boolean;
}

export const errorText = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);
