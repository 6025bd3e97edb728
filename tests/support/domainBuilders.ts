import {
  createEnrolment,
  DEFAULT_CAMPAIGN_CONFIG,
  newLedger,
  type AudCents,
  type CampaignConfig,
  type MemberLedger,
  type Observation,
  type TxStatus,
} from '../../src/domain';

export const TZ = 'Australia/Sydney';

export function config(overrides: Partial<CampaignConfig> = {}): CampaignConfig {
  return { ...DEFAULT_CAMPAIGN_CONFIG, feedStartDate: '2026-01-01', ...overrides };
}

/** A ledger for member M-1 enrolled at `enrolledAt` (default 2026-11-25 09:00 Sydney). */
export function ledgerFor(
  enrolledAt = '2026-11-25T09:00:00+11:00',
  overrides: Partial<CampaignConfig> = {},
): MemberLedger {
  const result = createEnrolment({ memberId: 'M-1', enrolledAt }, enrolledAt, config(overrides));
  if (!result.ok) throw new Error(result.detail);
  return newLedger(result.value);
}

let seq = 0;

export interface ObsOptions {
  id?: string;
  type?: 'LOAD' | 'WITHDRAWAL';
  method?: string;
  status?: TxStatus;
  cents?: number;
  initiatedAt?: string;
  source?: 'REALTIME' | 'FEED';
  knownOn?: string;
  version?: number;
  memberId?: string;
  currency?: string;
  amount?: string;
}

/** An observation with sensible defaults: a settled real-time Apple Pay load of AUD 100 known on 2026-11-25. */
export function obs(options: ObsOptions = {}): Observation {
  const status = options.status ?? 'SETTLED';
  const source = options.source ?? 'REALTIME';
  const cents = options.cents ?? 10_000;
  return {
    transactionId: options.id ?? `T-${++seq}`,
    memberId: options.memberId ?? 'M-1',
    type: options.type ?? 'LOAD',
    method: options.method ?? (options.type === 'WITHDRAWAL' ? 'BANK_ACCOUNT' : 'APPLE_PAY'),
    status,
    amount: options.amount ?? `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    currency: options.currency ?? 'AUD',
    audCents: cents as AudCents,
    initiatedAt: options.initiatedAt ?? '2026-11-25T00:00:00.000Z',
    ...(status === 'PENDING' ? {} : { settledAt: options.initiatedAt ?? '2026-11-25T00:00:00.000Z' }),
    source,
    knownOn: options.knownOn ?? '2026-11-25',
    ...(source === 'FEED' ? { feedVersion: options.version ?? 1 } : {}),
  };
}

/** The same transaction as seen by the feed on `businessDate`. */
export function fed(o: Observation, businessDate: string, patch: Partial<Observation> = {}): Observation {
  return { ...o, source: 'FEED', knownOn: businessDate, feedVersion: 1, ...patch };
}
