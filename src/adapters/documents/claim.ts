import { z } from 'zod';

/**
 * A transaction's first-seen owner, in `transactionClaims` (id = transactionId, partition = /id). The ledger
 * is partitioned by member, so without it a transaction id reused under another member would land in a
 * different partition unnoticed (SPEC §3: such an observation is quarantined).
 */
export const transactionClaimSchema = z.object({
  id: z.string().min(1),
  memberId: z.string().min(1),
  type: z.enum(['LOAD', 'WITHDRAWAL']),
});

export type TransactionClaim = z.infer<typeof transactionClaimSchema>;
