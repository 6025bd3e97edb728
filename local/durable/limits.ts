/**
 * The limits Azure enforces that the engine enforces too (sources in README.md § Strictness).
 * `fromHostJson` reads the same host.json keys the Functions host and the Durable extension read.
 */
export interface EngineLimits {
  /** host.json `functionTimeout`: an activity running longer fails with the host's timeout error. */
  functionTimeoutMs: number | null;
  /** `extensions.durableTask.maxEntityOperationBatchSize`: 50 on Consumption, 5,000 elsewhere. */
  maxEntityOperationBatchSize: number;
  /** `extensions.durableTask.maxOrchestrationActions` (default 100,000). */
  maxOrchestrationActions: number;
  /** DurableOrchestrationContext.SetCustomStatus: 16 KB of UTF-16 JSON. */
  maxCustomStatusKb: number;
}

export const AZURE_LIMITS: EngineLimits = {
  // The Functions host's default on the Consumption plan (Flex Consumption defaults to 30 min).
  functionTimeoutMs: 5 * 60_000,
  maxEntityOperationBatchSize: 50,
  maxOrchestrationActions: 100_000,
  maxCustomStatusKb: 16,
};

/** `hh:mm:ss` (optionally `d.hh:mm:ss`, fractional seconds) as in host.json; -1 means no limit. */
export function parseTimeSpanMs(text: string): number | null {
  if (text.trim() === '-1') return null;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (!m) throw new Error(`not a TimeSpan (hh:mm:ss): "${text}"`);
  const [, days, hours, minutes, seconds] = m;
  return (
    ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Math.round(Number(seconds) * 1000)
  );
}

/** How the extension measures a custom status: UTF-16 bytes of the JSON, whole KB rounded down. */
export const utf16Kb = (json: string): number => Math.floor((json.length * 2) / 1024);

/** The ArgumentException of MessagePayloadDataConverter.Serialize(value, maxSizeInKB). */
export const payloadTooLargeText = (maxKb: number, actualKb: number): string =>
  `The UTF-16 size of the JSON-serialized payload must not exceed ${maxKb} KB. The current payload size is ${actualKb} KB.`;

/** DurableOrchestrationContext.IncrementActionsOrThrowException. */
export const tooManyActionsText = (max: number): string =>
  `Maximum amount of orchestration actions (${max}) has been reached. This value can be configured in host.json file as MaxOrchestrationActions.`;
