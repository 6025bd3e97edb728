import type { Enrolment } from '../../domain/ledger';
import { enrolmentSchema, utcInstantSchema } from '../../domain/schemas';

/**
 * An enrolment in the `members` container (id `{campaignId}:{memberId}`, partition /memberId, unique key
 * /campaignId): the domain's `Enrolment` (configuration snapshot and window, fixed at enrolment) plus
 * `decidedAt`, set once the final decision is recorded so the sweep's query skips decided members.
 */
export const storedEnrolmentSchema = enrolmentSchema.extend({ decidedAt: utcInstantSchema.optional() });

export type StoredEnrolment = Enrolment & { decidedAt?: string };

/** Validates (and normalises the instants of) an enrolment read from or written to Cosmos. */
export function parseStoredEnrolment(value: unknown): StoredEnrolment {
  const { decidedAt, ...enrolment } = storedEnrolmentSchema.parse(value);
  return decidedAt === undefined ? enrolment : { ...enrolment, decidedAt };
}

/** What the sweep needs to re-drive an undecided member. */
export interface DueMember {
  memberId: string;
  evaluationAt: string;
}

export type { Enrolment };
