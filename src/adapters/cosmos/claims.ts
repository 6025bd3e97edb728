import type { Container } from '@azure/cosmos';
import type { Observation } from '../../domain/observation';
import { transactionClaimSchema, type TransactionClaim } from '../documents/claim';
import { BoundedMemory } from '../boundedMemory';
import { createDoc, readDoc } from './documents';

/**
 * Claims a transaction id for the observation's member and type, or returns the earlier claim. Claims
 * are never changed, so the first sighting decides who owns a transaction id. `created`: this call
 * wrote the claim.
 */
export async function claimTransaction(
  claims: Container,
  obs: Observation,
): Promise<{ claim: TransactionClaim; created: boolean }> {
  const claim: TransactionClaim = { id: obs.transactionId, memberId: obs.memberId, type: obs.type };
  if ((await createDoc(claims, claim)) === 'CREATED') return { claim, created: true };
  const existing = await readDoc(claims, obs.transactionId, obs.transactionId, transactionClaimSchema);
  if (!existing)
    throw new Error(`transactionClaims/${obs.transactionId}: conflict on create but no document to read`);
  return { claim: existing.doc, created: false };
}

/** How many claims one repository remembers (about 100 bytes each); the oldest are forgotten first. */
export const REMEMBERED_CLAIMS = 100_000;

/**
 * `claimTransaction` that remembers: a claim never changes once written, so a transaction id seen
 * before (a redelivery, PENDING then SETTLED) needs no request. `created` is true only for the call that
 * wrote the claim: nobody can have a ledger document for the transaction yet, unless a crash cut an
 * earlier merge short between claim and document (then creating the document finds it).
 */
export function rememberedClaims(
  claims: Container,
  limit = REMEMBERED_CLAIMS,
): (obs: Observation) => Promise<{ claim: TransactionClaim; created: boolean }> {
  const known = new BoundedMemory<TransactionClaim>(limit);
  return async (obs) => {
    const remembered = known.get(obs.transactionId);
    if (remembered) return { claim: remembered, created: false };
    const result = await claimTransaction(claims, obs);
    known.remember(obs.transactionId, result.claim);
    return result;
  };
}
