import { z } from 'zod';
import {
  acknowledge,
  ackOutbox,
  addHold,
  addObservations,
  applyFeedBatch,
  CELEBRATION_KINDS,
  decide,
  enrolmentSchema,
  newLedger,
  noteWaiting,
  observationSchema,
  recordDecision,
  recordReward,
  refreshCelebrations,
  releaseHolds,
  REWARD_STATUSES,
  type DecisionCheck,
  type Enrolment,
  type MemberLedger,
  type ProjectionMark,
} from '../domain';
import type { MemberOperation } from '../durableNames';

/** The member entity's state: the ledger once enrolled; until then, operations that arrived first. */
export interface MemberEntityState {
  ledger: MemberLedger | null;
  /** Signals that raced ahead of enrolment (different senders are not ordered); replayed on enrolment. */
  buffered: BufferedOperation[];
  /** The last `memberStates` projection the entity queued (set by the entity shell, src/entities/member.ts). */
  projection?: ProjectionMark;
}

export interface BufferedOperation {
  operation: MemberOperation;
  input: unknown;
}

/** Enough to hold a brief race; a member with more early signals than this is not a real member. */
export const MAX_BUFFERED = 200;

const instant = z.iso.datetime({ offset: true });
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A domain Enrolment as durable input (the orchestrator carries one so it can enrol the entity itself). */
export { enrolmentSchema };

/** Durable inputs are validated like any boundary: a malformed signal changes nothing. */
export const operationInputs = {
  enrol: z.object({ enrolment: enrolmentSchema, at: instant }),
  applyRealtime: z.object({ observations: z.array(observationSchema), at: instant }),
  applyFeedBatch: z.object({
    businessDate: localDate,
    version: z.number().int().positive(),
    observations: z.array(observationSchema),
    at: instant,
  }),
  hold: z.object({
    ref: z.string().min(1),
    businessDate: localDate,
    version: z.number().int().positive(),
    reason: z.string(),
    at: instant,
  }),
  releaseHolds: z.object({ at: instant }),
  acknowledge: z.object({ kind: z.enum(CELEBRATION_KINDS), at: instant }),
  decide: z.object({ now: instant, watermark: localDate.nullable() }),
  recordReward: z.object({
    reward: z.object({
      status: z.enum(REWARD_STATUSES),
      points: z.number().int().positive(),
      attempts: z.number().int().nonnegative(),
      issuedAt: instant.optional(),
      creditId: z.string().optional(),
      lastError: z.string().optional(),
    }),
    at: instant,
  }),
  ackOutbox: z.object({ ids: z.array(z.string()) }),
  get: z.unknown(),
} satisfies Record<MemberOperation, z.ZodType>;

export type OperationResult =
  | { ok: true; value?: unknown }
  | {
      ok: false;
      code: 'MEMBER.INVALID_INPUT' | 'MEMBER.NOT_ENROLLED' | 'CELEBRATION.NOT_RAISED' | 'MEMBER.BUFFER_FULL';
      detail: string;
    };

export const EMPTY_STATE: MemberEntityState = { ledger: null, buffered: [] };

/**
 * Applies one operation to the member entity's state. Pure and deterministic: time arrives in the input.
 * Every operation is idempotent, so a redelivered signal changes nothing.
 */
export function handleMemberOperation(
  state: MemberEntityState,
  operation: MemberOperation,
  rawInput: unknown,
): { state: MemberEntityState; result: OperationResult } {
  const parsed = operationInputs[operation].safeParse(rawInput);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { state, result: { ok: false, code: 'MEMBER.INVALID_INPUT', detail } };
  }
  if (operation === 'enrol') return enrol(state, parsed.data as z.infer<typeof operationInputs.enrol>);
  if (operation === 'get') return { state, result: { ok: true, value: state.ledger } };
  if (!state.ledger) return buffer(state, operation, parsed.data);
  const { ledger, result } = applyToLedger(state.ledger, operation, parsed.data);
  return { state: { ...state, ledger }, result };
}

function enrol(state: MemberEntityState, input: z.infer<typeof operationInputs.enrol>) {
  if (state.ledger) return { state, result: { ok: true as const, value: { created: false } } };
  let ledger = newLedger(input.enrolment as Enrolment);
  for (const op of state.buffered) ledger = applyToLedger(ledger, op.operation, op.input).ledger;
  return {
    state: { ledger: refreshCelebrations(ledger, input.at), buffered: [] },
    result: { ok: true as const, value: { created: true } },
  };
}

const BUFFERABLE: ReadonlySet<MemberOperation> = new Set([
  'applyRealtime',
  'applyFeedBatch',
  'hold',
  'releaseHolds',
]);

function buffer(state: MemberEntityState, operation: MemberOperation, input: unknown) {
  if (!BUFFERABLE.has(operation)) {
    return {
      state,
      result: {
        ok: false as const,
        code: 'MEMBER.NOT_ENROLLED' as const,
        detail: `no enrolment for ${operation}`,
      },
    };
  }
  if (state.buffered.length >= MAX_BUFFERED) {
    return {
      state,
      result: {
        ok: false as const,
        code: 'MEMBER.BUFFER_FULL' as const,
        detail: 'too many operations before enrolment',
      },
    };
  }
  return {
    state: { ...state, buffered: [...state.buffered, { operation, input }] },
    result: { ok: true as const },
  };
}

function applyToLedger(
  ledger: MemberLedger,
  operation: MemberOperation,
  input: unknown,
): { ledger: MemberLedger; result: OperationResult } {
  switch (operation) {
    case 'applyRealtime': {
      const { observations, at } = input as z.infer<typeof operationInputs.applyRealtime>;
      return { ledger: refreshCelebrations(addObservations(ledger, observations), at), result: { ok: true } };
    }
    case 'applyFeedBatch': {
      const { at, ...batch } = input as z.infer<typeof operationInputs.applyFeedBatch>;
      return { ledger: refreshCelebrations(applyFeedBatch(ledger, batch), at), result: { ok: true } };
    }
    case 'hold': {
      const { at, ...hold } = input as z.infer<typeof operationInputs.hold>;
      return { ledger: refreshCelebrations(addHold(ledger, hold), at), result: { ok: true } };
    }
    case 'releaseHolds': {
      const { at } = input as z.infer<typeof operationInputs.releaseHolds>;
      return { ledger: refreshCelebrations(releaseHolds(ledger), at), result: { ok: true } };
    }
    case 'acknowledge': {
      const { kind, at } = input as z.infer<typeof operationInputs.acknowledge>;
      const acked = acknowledge(ledger, kind, at);
      return acked.ok
        ? { ledger: acked.value, result: { ok: true } }
        : { ledger, result: { ok: false, code: acked.code, detail: acked.detail } };
    }
    case 'decide': {
      const { now, watermark } = input as z.infer<typeof operationInputs.decide>;
      const check: DecisionCheck = decide(ledger, now, watermark);
      const next =
        check.kind === 'DECIDED'
          ? refreshCelebrations(recordDecision(ledger, check.decision), now)
          : noteWaiting(ledger, check, now);
      return { ledger: next, result: { ok: true, value: check } };
    }
    case 'recordReward': {
      const { reward, at } = input as z.infer<typeof operationInputs.recordReward>;
      return {
        ledger: refreshCelebrations(recordReward(ledger, reward), at),
        result: { ok: true, value: recordReward(ledger, reward).reward },
      };
    }
    case 'ackOutbox': {
      const { ids } = input as z.infer<typeof operationInputs.ackOutbox>;
      return { ledger: ackOutbox(ledger, ids), result: { ok: true } };
    }
    case 'enrol':
    case 'get':
      return { ledger, result: { ok: true, value: ledger } };
    default: {
      const unreachable: never = operation;
      throw new Error(`unknown operation ${String(unreachable)}`);
    }
  }
}
