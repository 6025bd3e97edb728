import { DateTime } from 'luxon';

/**
 * An independent model of SPEC §2–§6, written from the specification only (it never imports `src/`), so
 * end-to-end runs can be checked against it. It is deliberately naive: whole lists, no incremental state,
 * integer cents, luxon for the campaign calendar.
 */
export interface ModelConfig {
  targetCents: number;
  windowDays: number;
  graceDays: number;
  zone: string;
  rewardPoints: number;
  withdrawalPolicy: 'ANY_WITHDRAWAL' | 'NET_BALANCE';
  disqualifyingMethods: readonly string[];
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  targetCents: 100_000,
  windowDays: 30,
  graceDays: 5,
  zone: 'Australia/Sydney',
  rewardPoints: 2000,
  withdrawalPolicy: 'ANY_WITHDRAWAL',
  disqualifyingMethods: ['CARDHOLDER_TRANSFER', 'BANK_ACCOUNT'],
};

const LOAD_METHODS = ['DEBIT_CARD', 'APPLE_PAY', 'GOOGLE_PAY', 'OSKO', 'BPAY', 'BANK_TRANSFER'];
const WITHDRAWAL_METHODS = ['CARDHOLDER_TRANSFER', 'BANK_ACCOUNT', 'ATM'];
const RANK: Record<string, number> = { PENDING: 0, SETTLED: 1, FAILED: 2, REVERSED: 3 };

/** One sighting of a transaction: a delivered real-time message or a processed feed row. */
export interface ModelObservation {
  transactionId: string;
  memberId: string;
  type: string;
  method: string;
  status: 'PENDING' | 'SETTLED' | 'FAILED' | 'REVERSED';
  audCents: number;
  /** ISO instant with offset. */
  initiatedAt: string;
  source: 'REALTIME' | 'FEED';
  /** Local date it became known: the feed's business date, or the local date of the enqueue time. */
  knownOn: string;
}

export interface ModelWindow {
  day0: string;
  windowClosesAtMs: number;
  lastGraceDate: string;
  evaluationAtMs: number;
}

export type ModelDecision = 'QUALIFIED' | 'NOT_REACHED' | 'DISQUALIFIED';

export interface ModelTotals {
  progressCents: number;
  confirmedCents: number;
  pendingCents: number;
  settledWithdrawals: number;
  pendingWithdrawals: number;
  settledWithdrawalCents: number;
  pendingWithdrawalCents: number;
  loadSeen: boolean;
}

export function modelWindow(enrolledAt: string, c: ModelConfig = DEFAULT_MODEL_CONFIG): ModelWindow {
  const day0 = DateTime.fromISO(enrolledAt, { setZone: true }).setZone(c.zone).startOf('day');
  const closes = day0.plus({ days: c.windowDays + 1 }).startOf('day');
  const last = day0.plus({ days: c.windowDays + c.graceDays });
  return {
    day0: day0.toISODate() as string,
    windowClosesAtMs: closes.toMillis(),
    lastGraceDate: last.toISODate() as string,
    evaluationAtMs: last.plus({ days: 1 }).startOf('day').toMillis(),
  };
}

/** SPEC §3: the highest status wins; at equal status feed beats real-time, a later business date an earlier one. */
function merged(observations: readonly ModelObservation[]): ModelObservation | undefined {
  let best: ModelObservation | undefined;
  for (const o of observations) {
    if (!best) best = o;
    else if (RANK[o.status]! !== RANK[best.status]!) best = RANK[o.status]! > RANK[best.status]! ? o : best;
    else if (o.source !== best.source) best = o.source === 'FEED' ? o : best;
    else if (o.source === 'FEED' && o.knownOn > best.knownOn) best = o;
  }
  return best;
}

function relevant(o: ModelObservation): boolean {
  if (o.type === 'LOAD') return LOAD_METHODS.includes(o.method);
  if (o.type === 'WITHDRAWAL') return WITHDRAWAL_METHODS.includes(o.method);
  return false;
}

/** Totals over in-window transactions, using only observations known on or before `cutoff` if given. */
export function modelTotals(
  enrolledAt: string,
  observations: readonly ModelObservation[],
  cutoff?: string,
  c: ModelConfig = DEFAULT_MODEL_CONFIG,
): ModelTotals {
  const w = modelWindow(enrolledAt, c);
  const enrolledMs = DateTime.fromISO(enrolledAt).toMillis();
  const inWindow = (o: ModelObservation): boolean => {
    const t = DateTime.fromISO(o.initiatedAt).toMillis();
    return enrolledMs <= t && t < w.windowClosesAtMs;
  };
  const byTx = new Map<string, ModelObservation[]>();
  for (const o of observations)
    if (relevant(o) && (cutoff === undefined || o.knownOn <= cutoff))
      byTx.set(o.transactionId, [...(byTx.get(o.transactionId) ?? []), o]);
  const t: ModelTotals = {
    progressCents: 0,
    confirmedCents: 0,
    pendingCents: 0,
    settledWithdrawals: 0,
    pendingWithdrawals: 0,
    settledWithdrawalCents: 0,
    pendingWithdrawalCents: 0,
    loadSeen: false,
  };
  for (const list of byTx.values()) {
    const m = merged(list)!;
    if (!inWindow(m)) continue;
    if (m.type === 'LOAD') {
      t.loadSeen = true;
      if (m.status === 'SETTLED') t.progressCents += m.audCents;
      if (m.status === 'PENDING') t.pendingCents += m.audCents;
      const feed = merged(list.filter((o) => o.source === 'FEED'));
      if (feed && feed.status === 'SETTLED' && inWindow(feed)) t.confirmedCents += feed.audCents;
    } else if (c.disqualifyingMethods.includes(m.method)) {
      if (m.status === 'SETTLED') {
        t.settledWithdrawals += 1;
        t.settledWithdrawalCents += m.audCents;
      }
      if (m.status === 'PENDING') {
        t.pendingWithdrawals += 1;
        t.pendingWithdrawalCents += m.audCents;
      }
    }
  }
  return t;
}

/** SPEC §5 precedence: DISQUALIFIED beats NOT_REACHED; QUALIFIED needs the confirmed total as of L. */
export function modelDecision(
  enrolledAt: string,
  observations: readonly ModelObservation[],
  c: ModelConfig = DEFAULT_MODEL_CONFIG,
): ModelDecision {
  const asOfL = modelTotals(enrolledAt, observations, modelWindow(enrolledAt, c).lastGraceDate, c);
  if (c.withdrawalPolicy === 'NET_BALANCE')
    return netConfirmed(asOfL) >= c.targetCents ? 'QUALIFIED' : 'NOT_REACHED';
  if (asOfL.settledWithdrawals + asOfL.pendingWithdrawals > 0) return 'DISQUALIFIED';
  return asOfL.confirmedCents >= c.targetCents ? 'QUALIFIED' : 'NOT_REACHED';
}

/** NET_BALANCE (SPEC §4): confirmed loads less every disqualifying withdrawal, a pending one counting as made. */
function netConfirmed(t: ModelTotals): number {
  return t.confirmedCents - t.settledWithdrawalCents - t.pendingWithdrawalCents;
}

/** The state before the decision: a pure function of the observations and now (SPEC §5). */
export function modelStateBeforeDecision(
  enrolledAt: string,
  observations: readonly ModelObservation[],
  nowMs: number,
  c: ModelConfig = DEFAULT_MODEL_CONFIG,
): { state: string; progressCents: number; pendingCents: number; atRisk: boolean } {
  const w = modelWindow(enrolledAt, c);
  const shown = modelTotals(
    enrolledAt,
    observations,
    nowMs >= w.evaluationAtMs ? w.lastGraceDate : undefined,
    c,
  );
  if (c.withdrawalPolicy === 'NET_BALANCE') {
    // shown net of settled withdrawals; at risk when the pending ones would take it below the target
    const net = shown.progressCents - shown.settledWithdrawalCents;
    const loadSeen = modelTotals(enrolledAt, observations, undefined, c).loadSeen;
    return {
      state: net >= c.targetCents ? 'PENDING_REWARD' : loadSeen ? 'ACTIVE' : 'ENROLLED',
      progressCents: net,
      pendingCents: shown.pendingCents,
      atRisk:
        shown.pendingWithdrawals > 0 &&
        net >= c.targetCents &&
        net - shown.pendingWithdrawalCents < c.targetCents,
    };
  }
  const state =
    shown.settledWithdrawals > 0
      ? 'DISQUALIFIED'
      : shown.progressCents >= c.targetCents
        ? 'PENDING_REWARD'
        : modelTotals(enrolledAt, observations, undefined, c).loadSeen
          ? 'ACTIVE'
          : 'ENROLLED';
  return {
    state,
    progressCents: shown.progressCents,
    pendingCents: shown.pendingCents,
    atRisk: shown.pendingWithdrawals > 0,
  };
}

/**
 * After the decision and a successful issuance: the terminal state, the points credited, and the
 * progress shown (totals as of the last grace date). A completed member whose ledger as known now no
 * longer meets the rules needs review (SPEC §5).
 */
export function modelFinal(
  enrolledAt: string,
  observations: readonly ModelObservation[],
  c: ModelConfig = DEFAULT_MODEL_CONFIG,
): { state: string; decision: ModelDecision; points: number; progressCents: number } {
  const decision = modelDecision(enrolledAt, observations, c);
  const asOfL = modelTotals(enrolledAt, observations, modelWindow(enrolledAt, c).lastGraceDate, c);
  const now = modelTotals(enrolledAt, observations, undefined, c);
  const stillMeets =
    c.withdrawalPolicy === 'NET_BALANCE'
      ? netConfirmed(now) >= c.targetCents
      : now.confirmedCents >= c.targetCents && now.settledWithdrawals + now.pendingWithdrawals === 0;
  const state =
    decision === 'DISQUALIFIED'
      ? 'DISQUALIFIED'
      : decision === 'NOT_REACHED'
        ? 'EXPIRED'
        : stillMeets
          ? 'COMPLETE'
          : 'NEEDS_REVIEW';
  return {
    state,
    decision,
    points: decision === 'QUALIFIED' ? c.rewardPoints : 0,
    progressCents:
      c.withdrawalPolicy === 'NET_BALANCE'
        ? asOfL.progressCents - asOfL.settledWithdrawalCents
        : asOfL.progressCents,
  };
}
