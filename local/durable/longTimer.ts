/** Timer limits sent to the SDK in the trigger input; they also drive the engine's split of long timers. */
export interface TimerSettings {
  /** A timer further away than this is split (`maximumShortTimerDuration`). */
  maxShortMs: number;
  /** Length of each intermediate sub-timer (`longRunningTimerIntervalDuration`). */
  intervalMs: number;
}

const DAY_MS = 86_400_000;

/** The Azure Storage provider's defaults (`AzureStorageDurabilityProvider`: MaximumDelayTime 6 d, LongRunningTimerIntervalLength 3 d). */
export const AZURE_STORAGE_TIMERS: TimerSettings = { maxShortMs: 6 * DAY_MS, intervalMs: 3 * DAY_MS };

/**
 * Next sub-timer of a timer due at `finalMs`, seen at `nowMs` (the episode's OrchestratorStarted time).
 * Mirrors the SDK's `LongTimerTask`: another full interval while the rest exceeds the short limit, else the
 * final time. Host and SDK must agree exactly, because each sub-timer consumes a task id.
 */
export function nextSubTimerMs(nowMs: number, finalMs: number, settings: TimerSettings): number {
  return finalMs - nowMs > settings.maxShortMs ? nowMs + settings.intervalMs : finalMs;
}

/** .NET TimeSpan text (`d.hh:mm:ss`) the SDK parses with moment.duration. */
export function timeSpan(ms: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const totalSeconds = Math.floor(ms / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const rest = totalSeconds % 86_400;
  return `${days}.${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
}
