import { isInWindow, type LocalDate } from './calendar';
import type { MemberLedger } from './ledger';
import { addCents, subtractCents, ZERO_CENTS, type AudCents } from './money';
import { winner, type Observation } from './observation';

/** Sums over a member's in-window transactions (SPEC §3 "two totals", §4 withdrawals). */
export interface Totals {
  /** Settled loads by their merged status over every observation considered: drives the confetti. */
  settledLoadCents: AudCents;
  /** Loads whose merged status over the feed observations considered is SETTLED: drives the decision. */
  confirmedLoadCents: AudCents;
  pendingLoadCents: AudCents;
  /** Disqualifying withdrawals by merged status. */
  settledWithdrawalCents: AudCents;
  pendingWithdrawalCents: AudCents;
  /** An in-window load in any status was seen. */
  loadSeen: boolean;
}

/**
 * Folds the ledger into totals. With a `cutoff`, only observations known on or before that local date are
 * considered (the decision cut-off, SPEC §2), so late files and redeliveries cannot change the outcome.
 */
export function computeTotals(ledger: MemberLedger, cutoff?: LocalDate): Totals {
  const { window, config } = ledger.enrolment;
  const totals: Totals = {
    settledLoadCents: ZERO_CENTS,
    confirmedLoadCents: ZERO_CENTS,
    pendingLoadCents: ZERO_CENTS,
    settledWithdrawalCents: ZERO_CENTS,
    pendingWithdrawalCents: ZERO_CENTS,
    loadSeen: false,
  };
  for (const entry of Object.values(ledger.transactions)) {
    const observations = cutoff ? entry.observations.filter((o) => o.knownOn <= cutoff) : entry.observations;
    const merged = winner(observations);
    if (!merged || !isInWindow(merged.initiatedAt, window)) continue;
    if (entry.type === 'LOAD') {
      totals.loadSeen = true;
      if (merged.status === 'SETTLED')
        totals.settledLoadCents = addCents(totals.settledLoadCents, merged.audCents);
      if (merged.status === 'PENDING')
        totals.pendingLoadCents = addCents(totals.pendingLoadCents, merged.audCents);
      const confirmed = winner(observations.filter((o) => o.source === 'FEED'));
      if (confirmed?.status === 'SETTLED' && isInWindow(confirmed.initiatedAt, window)) {
        totals.confirmedLoadCents = addCents(totals.confirmedLoadCents, confirmed.audCents);
      }
    } else if (isDisqualifyingMethod(merged, config.disqualifyingWithdrawalMethods)) {
      if (merged.status === 'SETTLED')
        totals.settledWithdrawalCents = addCents(totals.settledWithdrawalCents, merged.audCents);
      if (merged.status === 'PENDING')
        totals.pendingWithdrawalCents = addCents(totals.pendingWithdrawalCents, merged.audCents);
    }
  }
  return totals;
}

function isDisqualifyingMethod(obs: Observation, methods: readonly string[]): boolean {
  return methods.includes(obs.method);
}

/** What the member sees and what the decision uses, after the withdrawal policy (SPEC §4). */
export interface PolicyTotals {
  progressCents: AudCents;
  confirmedCents: AudCents;
  pendingCents: AudCents;
  /** ANY_WITHDRAWAL: a settled disqualifying withdrawal. Never true under NET_BALANCE. */
  disqualified: boolean;
  atRisk: boolean;
}

export function applyPolicy(ledger: MemberLedger, totals: Totals): PolicyTotals {
  const { withdrawalPolicy, targetAudCents } = ledger.enrolment.config;
  if (withdrawalPolicy === 'NET_BALANCE') {
    const progress = subtractCents(totals.settledLoadCents, totals.settledWithdrawalCents);
    const confirmed = subtractCents(
      totals.confirmedLoadCents,
      addCents(totals.settledWithdrawalCents, totals.pendingWithdrawalCents),
    );
    const afterPending = subtractCents(progress, totals.pendingWithdrawalCents);
    return {
      progressCents: progress,
      confirmedCents: confirmed,
      pendingCents: totals.pendingLoadCents,
      disqualified: false,
      atRisk:
        totals.pendingWithdrawalCents > 0 && progress >= targetAudCents && afterPending < targetAudCents,
    };
  }
  return {
    progressCents: totals.settledLoadCents,
    confirmedCents: totals.confirmedLoadCents,
    pendingCents: totals.pendingLoadCents,
    disqualified: totals.settledWithdrawalCents > 0,
    atRisk: totals.pendingWithdrawalCents > 0,
  };
}
