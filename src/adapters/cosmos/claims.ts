import type { Container } from '@azure/cosmos';
import type { Observation } from '../../domain/observation';
import { transactionClaimSchema, type TransactionClaim } from '../documents/claim';
import { createDoc, readDoc } from './documents';

/**
 * Claims a transaction id for the observation's member and type, or returns the earlier claim. Claims
 * are never changed, so the first sighting decides who owns a transaction id.
 */
export async function claimTransaction(claims: Container, obs: Observation): Promise<TransactionClaim> {
  const claim: TransactionClaim = { id: obs.transactionId, memberId: obs.memberId, type: obs.type };
  if ((await createDoc(claims, claim)) === 'CREATED') return claim;
  const existing = await readDoc(claims, obs.transactionId, obs.transactionId, transactionClaimSchema);
  if (!existing)
    throw new Error(`transactionClaims/${obs.transactionId}: conflict on create but no document to read`);
  return existing.doc;
}
