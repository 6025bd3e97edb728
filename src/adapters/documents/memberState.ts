import { z } from 'zod';
import { DECISION_OUTCOMES, MEMBER_STATES, REWARD_STATUSES } from '../../domain';
import { localDateSchema, utcInstantSchema } from './common';

export const WAITING_REASONS = ['WATERMARK_BEHIND', 'QUARANTINE_HOLD'] as const;

/**
 * A member's projection in `memberStates` (id `{campaignId}:{memberId}`, partition /memberId): written by
 * the notification dispatch from the member entity's effects and by the rebuild, last writer by `version`
 * (the entity's projection counter) wins.
 */
export const memberStateDocSchema = z.object({
  memberId: z.string().min(1),
  campaignId: z.string().min(1),
  state: z.enum(MEMBER_STATES),
  /** When the stored state was first written (a rebuild that finds no document starts it at its own time). */
  stateSince: utcInstantSchema,
  atRisk: z.boolean(),
  held: z.boolean(),
  decision: z.enum(DECISION_OUTCOMES).nullable(),
  rewardStatus: z.enum(REWARD_STATUSES).nullable(),
  enrolledOn: localDateSchema,
  /** Absent on documents written before the wake-ups (issue 13.1): a rebuild fills it. */
  lastGraceDate: localDateSchema.optional(),
  /** Undecided and waiting after evaluationAt for the watermark or a quarantine hold (null: not waiting). */
  waitingFor: z.enum(WAITING_REASONS).nullable().default(null),
  waitingSince: utcInstantSchema.nullable().default(null),
  version: z.number().int().nonnegative(),
  updatedAt: utcInstantSchema,
});

export type MemberStateDoc = z.infer<typeof memberStateDocSchema>;
/** What a writer proposes; `stateSince` follows from the stored document. */
export type MemberStateWrite = Omit<MemberStateDoc, 'stateSince'>;

const SHOWN = [
  'state',
  'atRisk',
  'held',
  'decision',
  'rewardStatus',
  'enrolledOn',
  'lastGraceDate',
  'waitingFor',
  'waitingSince',
] as const;

/**
 * The document to store over `current` (undefined: nothing to write). A lower version than the stored one
 * is stale and dropped; the same version with the same fields changes nothing; otherwise the proposal wins
 * (the same version may be re-projected at a later time, e.g. past `evaluationAt`). `stateSince` is kept
 * while the state stays the same.
 */
export function nextMemberStateDoc(
  current: MemberStateDoc | undefined,
  proposal: MemberStateWrite,
): MemberStateDoc | undefined {
  if (current && current.version > proposal.version) return undefined;
  if (current && current.version === proposal.version && SHOWN.every((k) => current[k] === proposal[k]))
    return undefined;
  const stateSince = current && current.state === proposal.state ? current.stateSince : proposal.updatedAt;
  return memberStateDocSchema.parse({ ...proposal, stateSince });
}
