import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { addDays } from '../../domain';
import type { Authorized } from './identity';
import { problem } from './problem';

export const MAX_BODY_BYTES = 16 * 1024;

/** Reads and validates a JSON body: 415 for another media type, 413 when too large, 400 with field errors. */
export async function readJson<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
): Promise<Authorized<z.infer<S>>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    return { ok: false, response: problem(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'send application/json') };
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) return { ok: false, response: tooLarge() };
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { ok: false, response: tooLarge() };
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, response: problem(400, 'REQUEST.INVALID_JSON', 'the body is not valid JSON') };
  }
  return validated(schema, body, '(body)');
}

/** A calendar date in a query string (`?from=2026-11-25`). */
export const queryDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => addDays(d, 0) === d, 'is not a calendar date');

/** Validates the query string (`?limit=…&continuationToken=…`): 400 with field errors. */
export function readQuery<S extends z.ZodType>(request: HttpRequest, schema: S): Authorized<z.infer<S>> {
  return validated(schema, Object.fromEntries(request.query.entries()), '(query)');
}

function validated<S extends z.ZodType>(schema: S, input: unknown, whole: string): Authorized<z.infer<S>> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({
      path: i.path.join('.') || whole,
      message: i.message,
    }));
    return {
      ok: false,
      response: problem(
        400,
        'REQUEST.VALIDATION',
        errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        errors,
      ),
    };
  }
  return { ok: true, value: parsed.data };
}

function tooLarge() {
  return problem(413, 'REQUEST.TOO_LARGE', `the body exceeds ${MAX_BODY_BYTES} bytes`);
}
