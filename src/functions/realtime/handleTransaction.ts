import { createHash } from 'node:crypto';
import type { CampaignClient } from '../../app/campaignClient';
import { isEnrolled } from '../../app/enrolledMembers';
import type { Services } from '../../app/services';
import { bodyConflict, localDateOf, parseRealtimeMessage, type IgnoredReason } from '../../domain';
import { wakeNotifyFor } from '../../app/notifyWake';

/** What the broker tells us about a delivery (Service Bus trigger metadata). */
export interface DeliveryMetadata {
  messageId?: string;
  enqueuedTimeUtc: string;
  deliveryCount?: number;
}

export type TransactionOutcome =
  | 'APPLIED'
  | 'DUPLICATE'
  | 'QUARANTINED'
  | 'CONFLICT_QUARANTINED'
  | 'IGNORED_NON_QUALIFYING_TYPE'
  | 'IGNORED_UNKNOWN_METHOD'
  | 'IGNORED_NOT_ENROLLED';

/**
 * Handles one real-time message (SPEC §7): invalid → quarantined and completed (never retried, never
 * half-applied); ignored (spending type, unknown method) or not a campaign member → counted once per
 * message id, per local enqueue date and reason, and completed; otherwise merged into the Cosmos ledger
 * and signalled to the member entity. Transient failures throw, so the broker redelivers and eventually
 * dead-letters. Every step is idempotent, so a redelivery after a partial run completes it.
 */
export async function handleTransaction(
  body: unknown,
  meta: DeliveryMetadata,
  deps: { services: Services; client: CampaignClient },
): Promise<TransactionOutcome> {
  const { settings, repos, now } = deps.services;
  const decoded = body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : body;
  const parsed = parseRealtimeMessage(decoded, {
    enqueuedTimeUtc: meta.enqueuedTimeUtc,
    ...(meta.messageId ? { messageId: meta.messageId } : {}),
    timeZone: settings.campaign.timeZone,
    maxAmountCents: settings.campaign.maxAmountCents,
  });
  if (!parsed.ok) {
    await repos.quarantine.put({
      key: meta.messageId ?? digest(decoded),
      source: 'REALTIME',
      reason: parsed.code,
      detail: parsed.detail,
      ...idsOf(decoded),
      raw: decoded,
      receivedAt: now(),
    });
    return 'QUARANTINED';
  }
  const countIgnored = (reason: IgnoredReason) =>
    repos.ignored.count({
      messageId: meta.messageId ?? digest(decoded),
      day: localDateOf(meta.enqueuedTimeUtc, settings.campaign.timeZone),
      reason,
      at: now(),
    });
  if (parsed.value.kind === 'IGNORED') {
    await countIgnored(parsed.value.reason);
    return `IGNORED_${parsed.value.reason}`;
  }

  const { observation, unknownFields } = parsed.value;
  if (!(await isEnrolled(repos.members, settings.campaign.campaignId, observation.memberId))) {
    await countIgnored('NON_CAMPAIGN_MEMBER');
    return 'IGNORED_NOT_ENROLLED';
  }

  const merged = await repos.ledger.merge(observation, unknownFields);
  if (merged.outcome === 'CONFLICT') {
    await repos.quarantine.put({
      key: meta.messageId ?? `${observation.transactionId}:${observation.status}`,
      source: 'REALTIME',
      reason: `LEDGER.${merged.reason}`,
      detail: `transaction ${observation.transactionId} was first seen as ${merged.existing.type} of member ${merged.existing.memberId}`,
      memberId: observation.memberId,
      transactionId: observation.transactionId,
      raw: body,
      receivedAt: now(),
    });
    return 'CONFLICT_QUARANTINED';
  }
  const conflict = bodyConflict(merged.record.observations, observation);
  if (conflict) {
    // the same transaction and status with another body: ops see it; the ledger keeps the first
    await repos.quarantine.put({
      key: `${meta.messageId ?? `${observation.transactionId}:${observation.status}`}:body:${digest(decoded)}`,
      source: 'REALTIME',
      reason: 'TX.BODY_CONFLICT',
      detail: conflict,
      memberId: observation.memberId,
      transactionId: observation.transactionId,
      raw: decoded,
      receivedAt: now(),
    });
  }
  // Signalled even when the ledger already had it: a crash between merge and signal must not lose it.
  await deps.client.signalMember(observation.memberId, 'applyRealtime', {
    observations: [observation],
    at: now(),
  });
  await wakeNotifyFor(deps.client, [observation.memberId]);
  if (conflict) return 'CONFLICT_QUARANTINED';
  return merged.outcome === 'UNCHANGED' ? 'DUPLICATE' : 'APPLIED';
}

/** The ids ops search the quarantine by, when the body (object or JSON text) still carries them. */
function idsOf(body: unknown): { memberId?: string; transactionId?: string } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return {};
    }
  }
  if (!value || typeof value !== 'object') return {};
  const { memberId, transactionId } = value as Record<string, unknown>;
  return {
    ...(typeof memberId === 'string' ? { memberId: memberId.slice(0, 64) } : {}),
    ...(typeof transactionId === 'string' ? { transactionId: transactionId.slice(0, 128) } : {}),
  };
}

function digest(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body) ?? 'undefined')
    .digest('hex');
}
