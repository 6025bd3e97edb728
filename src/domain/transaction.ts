export const TX_TYPES = ['LOAD', 'WITHDRAWAL', 'PURCHASE', 'REFUND', 'FEE', 'ADJUSTMENT'] as const;
export type TxType = (typeof TX_TYPES)[number];

/** Totally ordered: the merged status of a transaction is the highest one observed (SPEC §3). */
export const TX_STATUSES = ['PENDING', 'SETTLED', 'FAILED', 'REVERSED'] as const;
export type TxStatus = (typeof TX_STATUSES)[number];

export const LOAD_METHODS = [
  'DEBIT_CARD',
  'APPLE_PAY',
  'GOOGLE_PAY',
  'OSKO',
  'BPAY',
  'BANK_TRANSFER',
] as const;
/** Withdrawal methods (SPEC §3), defined once: the campaign's disqualifying methods are a subset of these. */
export const WITHDRAWAL_METHODS = ['CARDHOLDER_TRANSFER', 'BANK_ACCOUNT', 'ATM'] as const;
export type WithdrawalMethod = (typeof WITHDRAWAL_METHODS)[number];

/** The types the campaign tracks; the others are spending and are ignored (and counted). */
export type TrackedType = 'LOAD' | 'WITHDRAWAL';

export function statusRank(status: TxStatus): number {
  return TX_STATUSES.indexOf(status);
}

/** Whether a method is listed for its type (SPEC §3); an unlisted one is ignored and counted. */
export function isKnownMethod(type: TrackedType, method: string): boolean {
  const methods: readonly string[] = type === 'LOAD' ? LOAD_METHODS : WITHDRAWAL_METHODS;
  return methods.includes(method);
}

export function isTrackedType(type: TxType): type is TrackedType {
  return type === 'LOAD' || type === 'WITHDRAWAL';
}

/** `FAILED` and `REVERSED` both mean "does not count". */
export function counts(status: TxStatus): boolean {
  return status === 'PENDING' || status === 'SETTLED';
}
