import { z } from 'zod';
import {
  API_KEY_HEADER,
  creditSchema,
  IDEMPOTENCY_HEADER,
  idempotencyKeyOf,
  pointsErrorBodySchema,
  type Credit,
} from './contract';
import { TransientPointsError } from './errors';

export interface PointsClientOptions {
  /** `POINTS_API_URL`, without a trailing path. */
  url: string;
  /** `POINTS_API_TIMEOUT_MS`: covers the whole exchange, body included. */
  timeoutMs: number;
  /** `POINTS_API_KEY`, sent when present. */
  apiKey?: string;
}

export interface CreditPointsInput {
  memberId: string;
  points: number;
  campaignId: string;
  /** `{campaignId}:{memberId}`, the same as the idempotency key. */
  reference: string;
}

/** Every answer that is not worth retrying, as a value with a stable kind (SPEC §7). */
export type CreditResult =
  | { kind: 'ISSUED'; credit: Credit }
  | { kind: 'REPLAYED'; credit: Credit }
  | { kind: 'CONFLICT'; detail: string }
  | { kind: 'REFUSED'; status: 404 | 422; code: string; detail: string };

export interface PointsClient {
  creditPoints(input: CreditPointsInput): Promise<CreditResult>;
}

/** Creates the points API client; `fetch` is injectable for tests only. */
export function createPointsClient(
  options: PointsClientOptions,
  fetchImpl: typeof fetch = fetch,
): PointsClient {
  const base = options.url.replace(/\/+$/, '');
  return {
    async creditPoints(input) {
      const url = `${base}/members/${encodeURIComponent(input.memberId)}/credits`;
      const body = JSON.stringify({
        points: input.points,
        campaignId: input.campaignId,
        reference: input.reference,
      });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        [IDEMPOTENCY_HEADER]: idempotencyKeyOf(input.campaignId, input.memberId),
        ...(options.apiKey ? { [API_KEY_HEADER]: options.apiKey } : {}),
      };
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs);
      try {
        const response = await fetchImpl(url, { method: 'POST', headers, body, signal: controller.signal });
        const text = await response.text();
        return interpret(response.status, text, response.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof TransientPointsError) throw error;
        const reason = controller.signal.aborted
          ? `timed out after ${options.timeoutMs} ms`
          : describe(error);
        throw new TransientPointsError(`points API ${reason}`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function interpret(status: number, text: string, retryAfter: string | null): CreditResult {
  if (status === 201 || status === 200) {
    const credit = creditSchema.safeParse(parseJson(text));
    // The credit may be committed: retrying with the same key replays it, so an unreadable body is transient.
    if (!credit.success)
      throw new TransientPointsError(
        `points API ${status} with an unreadable credit: ${z.prettifyError(credit.error)}`,
        { status },
      );
    return { kind: status === 201 ? 'ISSUED' : 'REPLAYED', credit: credit.data };
  }
  const error = pointsErrorBodySchema.safeParse(parseJson(text));
  const detail = (error.success ? error.data.message : undefined) ?? text.slice(0, 500);
  const code = (error.success ? error.data.code : undefined) ?? `HTTP_${status}`;
  if (status === 409) return { kind: 'CONFLICT', detail };
  if (status === 404 || status === 422) return { kind: 'REFUSED', status, code, detail };
  const retryAfterMs = parseRetryAfter(retryAfter);
  throw new TransientPointsError(`points API answered ${status} ${code}: ${detail}`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `request failed: ${error.message}${cause}`;
}
