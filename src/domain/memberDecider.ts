import { z } from 'zod';
import { decide as decideCheck, noteWaiting, type DecisionCheck } from './decision';
import {
  addHold,
  addObservations,
  applyFeedBatch,
  CELEBRATION_KINDS,
  newLedger,
  releaseHolds,
  REWARD_STATUSES,
  type MemberLedger,
} from './ledger';
import { acknowledge, ackOutbox, recordDecision, recordReward, refreshCelebrations } from './lifecycle';
import { markProjection, type ProjectionMark } from './memberProjection';
import { enrolmentSchema, localDateSchema, observationSchema } from './schemas';

/**
 * The member decider (issue 10.1): one member's commands, decided purely. `decideMember(state, command)`
 * returns the next state, the command's result and the effects to perform (notifications to queue, a
 * projection to write). The durable entity (src/entities/member.ts) only parses its input into a command,
 * calls this, sets the state and performs the effects.
 */

/** A member's whole state: the ledger once enrolled; until then, the commands that arrived first. */
export interface MemberEntityState {
  ledger: MemberLedger | null;
  /** Commands that raced ahead of enrolment (different senders are not ordered); replayed on enrolment. */
  buffered: BufferedOperation[];
  /** The last `memberStates` projection queued (its version and what it showed). */
  projection?: ProjectionMark;
}

/** A buffered command as stored: its name and its parsed input (the entity state's stored shape). */
export interface BufferedOperation {
  operation: BufferableCommand;
  input: unknown;
}

/** Enough to hold a brief race; a member with more early signals than this is not a real member. */
export const MAX_BUFFERED = 200;

export const EMPTY_STATE: MemberEntityState = { ledger: null, buffered: [] };

const instant = z.iso.datetime({ offset: true });

/** A reward as the orchestration records it on the entity (and as its activities exchange it). */
export const rewardRecordSchema = z.object({
  status: z.enum(REWARD_STATUSES),
  points: z.number().int().positive(),
  attempts: z.number().int().nonnegative(),
  issuedAt: instant.optional(),
  creditId: z.string().optional(),
  lastError: z.string().optional(),
});

/** The input of each command (durable inputs are validated like any boundary). */
export const memberCommandInputs = {
  enrol: z.object({ enrolment: enrolmentSchema, at: instant }),
  applyRealtime: z.object({ observations: z.array(observationSchema), at: instant }),
  applyFeedBatch: z.object({
    businessDate: localDateSchema,
    version: z.number().int().positive(),
    observations: z.array(observationSchema),
    at: instant,
  }),
  hold: z.object({
    ref: z.string().min(1),
    businessDate: localDateSchema,
    version: z.number().int().positive(),
    reason: z.string(),
    at: instant,
  }),
  releaseHolds: z.object({ at: instant }),
  acknowledge: z.object({ kind: z.enum(CELEBRATION_KINDS), at: instant }),
  decide: z.object({ now: instant, watermark: localDateSchema.nullable() }),
  recordReward: z.object({ reward: rewardRecordSchema, at: instant }),
  ackOutbox: z.object({ ids: z.array(z.string()) }),
};

type Inputs = typeof memberCommandInputs;
type Command<K extends keyof Inputs> = { op: K } & z.output<Inputs[K]>;
type LedgerCommand =
  | Command<'applyRealtime'>
  | Command<'applyFeedBatch'>
  | Command<'hold'>
  | Command<'releaseHolds'>
  | Command<'acknowledge'>
  | Command<'decide'>
  | Command<'recordReward'>
  | (Command<'ackOutbox'> & { observedAt?: string });

/**
 * A command to the member. `get` reads; `invalid` is an input that did not parse (it changes nothing but
 * may still carry the time it was sent at). `observedAt` is the time a command without its own carried.
 */
export type MemberCommand =
  | Command<'enrol'>
  | LedgerCommand
  | { op: 'get'; observedAt?: string }
  | { op: 'invalid'; detail: string; observedAt?: string };

export type MemberCommandName = keyof Inputs | 'get';

const BUFFERABLE = ['applyRealtime', 'applyFeedBatch', 'hold', 'releaseHolds'] as const;
type BufferableCommand = (typeof BUFFERABLE)[number];
const isBufferable = (op: MemberCommand['op']): op is BufferableCommand =>
  (BUFFERABLE as readonly string[]).includes(op);

export type MemberResult =
  | { ok: true; value?: unknown }
  | {
      ok: false;
      code: 'MEMBER.INVALID_INPUT' | 'MEMBER.NOT_ENROLLED' | 'CELEBRATION.NOT_RAISED' | 'MEMBER.BUFFER_FULL';
      detail: string;
    };

/** What the shell performs after a command, in order: notifications newly queued, then a projection. */
export type MemberEffect = { kind: 'NOTIFY'; id: string } | { kind: 'PROJECT'; version: number };

export interface MemberDecision {
  state: MemberEntityState;
  result: MemberResult;
  effects: MemberEffect[];
}

/** The time a raw input carries (`now` of a decision check, `at` of the others), if any. */
function observedAtOf(raw: unknown): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const { now, at } = raw as { now?: unknown; at?: unknown };
  const value = typeof now === 'string' ? now : at;
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

function parsed<S extends z.ZodType, C extends MemberCommand>(
  schema: S,
  raw: unknown,
  command: (input: z.output<S>) => C,
): MemberCommand {
  const result = schema.safeParse(raw);
  if (result.success) return command(result.data);
  const detail = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  const observedAt = observedAtOf(raw);
  return observedAt === undefined ? { op: 'invalid', detail } : { op: 'invalid', detail, observedAt };
}

/** The command an operation's raw durable input means (`invalid` when it does not parse). */
export function parseMemberCommand(op: MemberCommandName, raw: unknown): MemberCommand {
  const i = memberCommandInputs;
  switch (op) {
    case 'enrol':
      return parsed(i.enrol, raw, (input) => ({ op, ...input }));
    case 'applyRealtime':
      return parsed(i.applyRealtime, raw, (input) => ({ op, ...input }));
    case 'applyFeedBatch':
      return parsed(i.applyFeedBatch, raw, (input) => ({ op, ...input }));
    case 'hold':
      return parsed(i.hold, raw, (input) => ({ op, ...input }));
    case 'releaseHolds':
      return parsed(i.releaseHolds, raw, (input) => ({ op, ...input }));
    case 'acknowledge':
      return parsed(i.acknowledge, raw, (input) => ({ op, ...input }));
    case 'decide':
      return parsed(i.decide, raw, (input) => ({ op, ...input }));
    case 'recordReward':
      return parsed(i.recordReward, raw, (input) => ({ op, ...input }));
    case 'ackOutbox': {
      const observedAt = observedAtOf(raw);
      return parsed(i.ackOutbox, raw, (input) =>
        observedAt === undefined ? { op, ...input } : { op, ...input, observedAt },
      );
    }
    case 'get': {
      const observedAt = observedAtOf(raw);
      return observedAt === undefined ? { op } : { op, observedAt };
    }
    default: {
      const unreachable: never = op;
      throw new Error(`unknown command ${String(unreachable)}`);
    }
  }
}

/** The time a command was sent at: a decision check's `now`, the others' `at`. */
function timeOf(command: MemberCommand): string | undefined {
  if (command.op === 'decide') return command.now;
  if ('at' in command) return command.at;
  return command.observedAt;
}

/**
 * Decides one command. Pure and deterministic (time arrives in the command), and idempotent: the same
 * command again changes nothing. Before enrolment the commands that may race ahead of it are buffered
 * (at most MAX_BUFFERED) and replayed by `enrol`.
 */
export function decideMember(state: MemberEntityState, command: MemberCommand): MemberDecision {
  const { state: next, result } = apply(state, command);
  return withEffects(state, next, result, timeOf(command));
}

function apply(
  state: MemberEntityState,
  command: MemberCommand,
): { state: MemberEntityState; result: MemberResult } {
  if (command.op === 'invalid')
    return { state, result: { ok: false, code: 'MEMBER.INVALID_INPUT', detail: command.detail } };
  if (command.op === 'get') return { state, result: { ok: true, value: state.ledger } };
  if (command.op === 'enrol') return enrol(state, command);
  if (!state.ledger) return buffer(state, command);
  const { ledger, result } = applyToLedger(state.ledger, command);
  return { state: { ...state, ledger }, result };
}

function enrol(
  state: MemberEntityState,
  command: Command<'enrol'>,
): { state: MemberEntityState; result: MemberResult } {
  if (state.ledger) return { state, result: { ok: true, value: { created: false } } };
  let ledger = newLedger(command.enrolment);
  for (const { operation, input } of state.buffered) {
    const replayed = parseMemberCommand(operation, input);
    if (replayed.op !== 'invalid' && replayed.op !== 'get' && replayed.op !== 'enrol')
      ledger = applyToLedger(ledger, replayed).ledger;
  }
  return {
    state: { ledger: refreshCelebrations(ledger, command.at), buffered: [] },
    result: { ok: true, value: { created: true } },
  };
}

function buffer(
  state: MemberEntityState,
  command: LedgerCommand,
): { state: MemberEntityState; result: MemberResult } {
  if (!isBufferable(command.op)) {
    return {
      state,
      result: { ok: false, code: 'MEMBER.NOT_ENROLLED', detail: `no enrolment for ${command.op}` },
    };
  }
  if (state.buffered.length >= MAX_BUFFERED) {
    return {
      state,
      result: { ok: false, code: 'MEMBER.BUFFER_FULL', detail: 'too many operations before enrolment' },
    };
  }
  const { op: operation, ...input } = command;
  return { state: { ...state, buffered: [...state.buffered, { operation, input }] }, result: { ok: true } };
}

function applyToLedger(
  ledger: MemberLedger,
  command: LedgerCommand,
): { ledger: MemberLedger; result: MemberResult } {
  switch (command.op) {
    case 'applyRealtime':
      return {
        ledger: refreshCelebrations(addObservations(ledger, command.observations), command.at),
        result: { ok: true },
      };
    case 'applyFeedBatch': {
      const { op: _op, at, ...batch } = command;
      return { ledger: refreshCelebrations(applyFeedBatch(ledger, batch), at), result: { ok: true } };
    }
    case 'hold': {
      const { op: _op, at, ...hold } = command;
      return { ledger: refreshCelebrations(addHold(ledger, hold), at), result: { ok: true } };
    }
    case 'releaseHolds':
      return { ledger: refreshCelebrations(releaseHolds(ledger), command.at), result: { ok: true } };
    case 'acknowledge': {
      const acked = acknowledge(ledger, command.kind, command.at);
      return acked.ok
        ? { ledger: acked.value, result: { ok: true } }
        : { ledger, result: { ok: false, code: acked.code, detail: acked.detail } };
    }
    case 'decide': {
      const check: DecisionCheck = decideCheck(ledger, command.now, command.watermark);
      const next =
        check.kind === 'DECIDED'
          ? refreshCelebrations(recordDecision(ledger, check.decision), command.now)
          : noteWaiting(ledger, check, command.now);
      return { ledger: next, result: { ok: true, value: check } };
    }
    case 'recordReward': {
      const recorded = recordReward(ledger, command.reward);
      return {
        ledger: refreshCelebrations(recorded, command.at),
        result: { ok: true, value: recorded.reward },
      };
    }
    case 'ackOutbox':
      return { ledger: ackOutbox(ledger, command.ids), result: { ok: true } };
    default: {
      const unreachable: never = command;
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * The effects of going from `before` to `after`: the notifications newly queued, and a projection when
 * what the `memberStates` projection shows changed (the returned state carries the projection mark).
 */
function withEffects(
  before: MemberEntityState,
  after: MemberEntityState,
  result: MemberResult,
  observedAt: string | undefined,
): MemberDecision {
  const known = new Set((before.ledger?.outbox ?? []).map((n) => n.id));
  const notify: MemberEffect[] = (after.ledger?.outbox ?? [])
    .filter((n) => !known.has(n.id))
    .map((n) => ({ kind: 'NOTIFY', id: n.id }));
  if (!after.ledger) return { state: after, result, effects: notify };
  const { mark, changed } = markProjection(before.projection, after.ledger, observedAt);
  return {
    state: { ...after, projection: mark },
    result,
    effects: changed ? [...notify, { kind: 'PROJECT', version: mark.version }] : notify,
  };
}
