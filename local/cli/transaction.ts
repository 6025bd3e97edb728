/**
 * Builds a real-time card message (SPEC §7) from `key=value` fields, filling what a person typing a demo
 * would leave out: currency AUD, `audAmount` = `amount`, `initiatedAt` = now, `settledAt` = now for a
 * settled/failed/reversed status, and the message id `transactionId:status`. The app validates the rest.
 */
export function transactionFromFields(
  fields: string[],
  nowIso: string,
): { messageId: string; body: Record<string, string> } {
  const body: Record<string, string> = {};
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw new Error(`"${field}" is not key=value`);
    body[field.slice(0, eq)] = field.slice(eq + 1);
  }
  body['currency'] ??= 'AUD';
  if (body['amount'] !== undefined) body['audAmount'] ??= body['amount'];
  body['initiatedAt'] ??= nowIso;
  if (['SETTLED', 'FAILED', 'REVERSED'].includes(body['status'] ?? '')) body['settledAt'] ??= nowIso;
  const missing = ['transactionId', 'memberId', 'type', 'method', 'status', 'amount'].filter(
    (k) => body[k] === undefined,
  );
  if (missing.length > 0) throw new Error(`missing field(s): ${missing.join(', ')}`);
  return { messageId: `${body['transactionId']}:${body['status']}`, body };
}
