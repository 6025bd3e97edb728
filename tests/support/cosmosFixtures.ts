import { DEFAULT_CAMPAIGN_CONFIG } from '../../src/domain/campaignConfig';
import { asCents } from '../../src/domain/money';
import type { Observation } from '../../src/domain/observation';
import type { Enrolment } from '../../src/adapters/documents/member';
import { createEnrolment } from '../../src/domain/enrolment';
import type { RewardDoc } from '../../src/adapters/documents/reward';

export const CAMPAIGN = DEFAULT_CAMPAIGN_CONFIG.campaignId;

/** A valid enrolment built by the domain; `evaluationAt` may be moved to shape sweep queries. */
export function anEnrolment(
  memberId: string,
  overrides: { enrolledAt?: string; campaignId?: string; evaluationAt?: string } = {},
): Enrolment {
  const enrolledAt = overrides.enrolledAt ?? '2026-11-02T01:00:00.000Z';
  const config = {
    ...DEFAULT_CAMPAIGN_CONFIG,
    feedStartDate: '2026-11-01',
    campaignId: overrides.campaignId ?? CAMPAIGN,
  };
  const built = createEnrolment({ memberId, enrolledAt }, enrolledAt, config);
  if (!built.ok) throw new Error(built.detail);
  const enrolment = built.value;
  return overrides.evaluationAt
    ? { ...enrolment, window: { ...enrolment.window, evaluationAt: overrides.evaluationAt } }
    : enrolment;
}

/** A real-time AUD load observation. */
export function anObservation(overrides: Partial<Observation> = {}): Observation {
  const status = overrides.status ?? 'SETTLED';
  return {
    transactionId: 'T-1',
    memberId: 'M-1',
    type: 'LOAD',
    method: 'OSKO',
    status,
    amount: '250.00',
    currency: 'AUD',
    audCents: asCents(25_000),
    initiatedAt: '2026-11-03T01:00:00.000Z',
    ...(status === 'PENDING' ? {} : { settledAt: '2026-11-03T01:00:05.000Z' }),
    source: 'REALTIME',
    knownOn: '2026-11-03',
    ...overrides,
  };
}

export function aDecision(memberId: string, overrides: Partial<RewardDoc> = {}): RewardDoc {
  return {
    memberId,
    campaignId: CAMPAIGN,
    decision: 'QUALIFIED',
    decidedAt: '2026-12-08T00:00:00.000Z',
    points: 2000,
    ...overrides,
  };
}
