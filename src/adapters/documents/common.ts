import { createHash } from 'node:crypto';
// Stored instants and dates use the domain's schemas (src/domain/schemas.ts).
export { localDateSchema, utcInstantSchema } from '../../domain/schemas';

/**
 * A Cosmos id for a key from outside (a message id, a file line), so a redelivery or re-run lands on the
 * same document. Cosmos ids may not contain `/ \ ? #`; encoding keeps distinct keys distinct, and very
 * long keys are hashed to stay under the 255-character limit.
 */
export function documentIdOf(key: string): string {
  const encoded = encodeURIComponent(key);
  return encoded.length <= 200 ? encoded : `sha256-${createHash('sha256').update(key).digest('hex')}`;
}

/** The id of the one decision/enrolment document a member has per campaign (docs/contracts.md). */
export function memberCampaignId(campaignId: string, memberId: string): string {
  return `${campaignId}:${memberId}`;
}

/** Text within `cap` characters: over it, its head and how much was cut (stored fields of ops records). */
export function capText(text: string, cap: number): string {
  return text.length <= cap ? text : `${text.slice(0, cap)}… (${text.length - cap} more characters cut)`;
}

/**
 * A raw value as received (a message body, a message's unknown fields) within `cap` characters of its
 * JSON text (of itself when it is a string); over it, the head of that text, marked as cut.
 */
export function capRaw(raw: unknown, cap: number): unknown {
  const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? '');
  if (text.length <= cap) return raw;
  return { cut: true, characters: text.length, head: text.slice(0, cap) };
}
