/** An expected outcome with a stable code, never thrown across a boundary (STYLE: errors as values). */
export type Result<T, C extends string = string> =
  { ok: true; value: T } | { ok: false; code: C; detail: string };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <C extends string>(code: C, detail: string): { ok: false; code: C; detail: string } => ({
  ok: false,
  code,
  detail,
});

/** Compile-time proof that a switch handled every case. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
