import { Duration, IANAZone } from 'luxon';
import { z } from 'zod';
import { WITHDRAWAL_METHODS } from './transaction';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const isoDuration = z
  .string()
  .refine((s) => Duration.fromISO(s).isValid, 'must be an ISO-8601 duration such as PT24H');
const positiveInt = z.number().int().positive();

export const WITHDRAWAL_POLICIES = ['ANY_WITHDRAWAL', 'NET_BALANCE'] as const;
export type WithdrawalPolicy = (typeof WITHDRAWAL_POLICIES)[number];

const zoneValidity = new Map<string, boolean>();

/** Memoised: validating a zone builds an Intl formatter, and stored configurations are parsed on every operation. */
function isValidZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) zoneValidity.set(zone, (valid = IANAZone.isValidZone(zone)));
  return valid;
}

/** The campaign's rules (SPEC §1). A member's copy is snapshotted at enrolment and never changes. */
export const campaignConfigSchema = z.object({
  campaignId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-_]{0,63}$/, 'must be 1-64 letters, digits, - or _'),
  targetAudCents: positiveInt,
  windowDays: positiveInt.max(366),
  timeZone: z.string().refine(isValidZone, 'must be an IANA time zone such as Australia/Sydney'),
  graceDays: z.number().int().min(0).max(60),
  rewardPoints: positiveInt,
  withdrawalPolicy: z.enum(WITHDRAWAL_POLICIES),
  disqualifyingWithdrawalMethods: z.array(z.enum(WITHDRAWAL_METHODS)).min(1),
  feedStartDate: isoDate,
  maxAmountCents: positiveInt.max(1_000_000_000_000),
  maxEnrolmentBackdate: isoDuration,
  rewardStuckAfter: isoDuration,
  feedLateAlertAfter: isoDuration,
  watermarkRecheck: isoDuration,
});

export type CampaignConfig = z.infer<typeof campaignConfigSchema>;

/** SPEC §1 defaults. `feedStartDate` is the go-live date and must be set per deployment. */
export const DEFAULT_CAMPAIGN_CONFIG: Omit<CampaignConfig, 'feedStartDate'> = {
  campaignId: 'cold-member-activation',
  targetAudCents: 100_000,
  windowDays: 30,
  timeZone: 'Australia/Sydney',
  graceDays: 5,
  rewardPoints: 2000,
  withdrawalPolicy: 'ANY_WITHDRAWAL',
  disqualifyingWithdrawalMethods: ['CARDHOLDER_TRANSFER', 'BANK_ACCOUNT'],
  maxAmountCents: 100_000_000,
  maxEnrolmentBackdate: 'PT24H',
  rewardStuckAfter: 'PT24H',
  feedLateAlertAfter: 'PT12H',
  watermarkRecheck: 'PT1H',
};

/** Milliseconds of an ISO-8601 duration that the schema already validated. */
export function durationMs(iso: string): number {
  return Duration.fromISO(iso).as('milliseconds');
}
