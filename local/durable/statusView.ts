import { z } from 'zod';
import type { InstanceFilter, InstanceRecord } from './store';
import { EventType, eventTypeName, type HistoryEvent, type RuntimeStatus } from './wire';

/** Azure writes instance times without milliseconds (`2024-01-01T00:00:00Z`). */
const azureTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const parseJson = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

// The status API's history omits the replay bookkeeping events, as Azure's does.
const HIDDEN = new Set<number>([EventType.OrchestratorStarted, EventType.OrchestratorCompleted]);

function historyView(history: readonly HistoryEvent[], showOutput: boolean): Array<Record<string, unknown>> {
  return history
    .filter((e) => !HIDDEN.has(e.EventType))
    .map((e) => {
      const view: Record<string, unknown> = { EventType: eventTypeName(e.EventType), Timestamp: e.Timestamp };
      if (typeof e.Name === 'string') view.FunctionName = e.Name;
      if (typeof e.TaskScheduledId === 'number') view.TaskScheduledId = e.TaskScheduledId;
      if (typeof e.FireAt === 'string') view.FireAt = e.FireAt;
      if (typeof e.Reason === 'string') view.Reason = e.Reason;
      if (showOutput && typeof e.Result === 'string') view.Result = JSON.parse(e.Result) as unknown;
      return view;
    });
}

export interface StatusOptions {
  showInput: boolean;
  showHistory: boolean;
  showHistoryOutput: boolean;
}

/** The body of `GET instances/{id}`; `getStatus` needs string name/ids/times/status and present input/output. */
export function statusPayload(record: InstanceRecord, options: StatusOptions): Record<string, unknown> {
  return {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.status,
    input: options.showInput ? parseJson(record.input) : null,
    customStatus: parseJson(record.customStatus),
    output: parseJson(record.output),
    createdTime: azureTime(record.createdAt),
    lastUpdatedTime: azureTime(record.updatedAt),
    ...(options.showHistory ? { historyEvents: historyView(record.history, options.showHistoryOutput) } : {}),
  };
}

const STATUSES = [
  'Pending',
  'Running',
  'Completed',
  'Failed',
  'Terminated',
] as const satisfies readonly RuntimeStatus[];

const querySchema = z.object({
  createdTimeFrom: z.iso.datetime({ offset: true }).optional(),
  createdTimeTo: z.iso.datetime({ offset: true }).optional(),
  runtimeStatus: z.string().optional(),
  instanceIdPrefix: z.string().optional(),
});

/** Parses the list/purge filter of the query string; unknown status names match nothing, as in Azure. */
export function filterFromQuery(query: URLSearchParams): InstanceFilter {
  const q = querySchema.parse(Object.fromEntries(query));
  const statuses = q.runtimeStatus
    ?.split(',')
    .map((s) => s.trim())
    .filter((s): s is RuntimeStatus => (STATUSES as readonly string[]).includes(s));
  return {
    ...(q.createdTimeFrom ? { createdFrom: Date.parse(q.createdTimeFrom) } : {}),
    ...(q.createdTimeTo ? { createdTo: Date.parse(q.createdTimeTo) } : {}),
    ...(q.runtimeStatus !== undefined
      ? { statuses: statuses && statuses.length > 0 ? statuses : ['__none__' as RuntimeStatus] }
      : {}),
    ...(q.instanceIdPrefix ? { prefix: q.instanceIdPrefix } : {}),
  };
}

/** Continuation tokens are opaque to clients; here they carry the next offset. */
export const encodeToken = (offset: number): string =>
  Buffer.from(JSON.stringify({ offset })).toString('base64');

export function decodeToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const parsed = z
      .object({ offset: z.number().int().nonnegative() })
      .safeParse(JSON.parse(Buffer.from(token, 'base64').toString('utf8')));
    return parsed.success ? parsed.data.offset : 0;
  } catch {
    return 0;
  }
}
