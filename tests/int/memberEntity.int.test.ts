import { InvocationContext } from '@azure/functions';
import '../../src/entities/member';
import '../../src/entities/notificationOutbox';
import { notifyShardOf } from '../../src/durableNames';
import { createEnrolment, type Enrolment, type Observation } from '../../src/domain';
import type { MemberEntityState } from '../../src/entities/memberOperations';
import type { OutboxIndex } from '../../src/entities/outboxOperations';
import { currentRegistry } from '../../local/functionsCore';
import { config, obs } from '../support/domainBuilders';

// The REGISTERED entities driven through durable-functions' own entity handler (Entity.handle), with the
// trigger shapes the Functions host sends (notes/durable-local-host §4): what runs in Azure is exactly
// this function, so the SDK's state (de)serialisation, batching and signals are under test too.

interface WireResult {
  isError: boolean;
  result?: string;
}
interface WireSignal {
  target: { name: string; key: string };
  name: string;
  input: string;
}
interface WireState {
  entityExists: boolean;
  entityState?: string;
  results: WireResult[];
  signals: WireSignal[];
}

const AT = '2026-11-25T01:00:00.000Z';
const TARGET_REACHED_1 = 'cold-member-activation:M-1:TARGET_REACHED:1';

function enrolmentOf(memberId = 'M-1'): Enrolment {
  const result = createEnrolment(
    { memberId, enrolledAt: '2026-11-25T09:00:00+11:00' },
    '2026-11-25T09:00:00+11:00',
    config(),
  );
  if (!result.ok) throw new Error(result.detail);
  return result.value;
}

type Op = [name: string, input?: unknown];

let requestSeq = 0;
const logs: string[] = [];

/** Runs one batch of operations against an entity through the registered trigger handler. */
async function runBatch(
  entity: 'member' | 'notificationOutbox',
  key: string,
  state: string | undefined,
  ops: Op[],
): Promise<WireState & { parsed: unknown[] }> {
  const fn = currentRegistry().find(entity, 'entityTrigger');
  if (!fn) throw new Error(`${entity} is not registered`);
  const trigger = {
    self: { name: entity, key },
    exists: state !== undefined,
    state,
    batch: ops.map(([name, input]) => ({
      id: `req-${++requestSeq}`,
      name,
      ...(input === undefined ? {} : { input: JSON.stringify(input) }),
      signal: true,
    })),
  };
  const context = new InvocationContext({
    invocationId: `inv-${requestSeq}`,
    functionName: entity,
    logHandler: (level, ...args) => logs.push(`${level}: ${args.map(String).join(' ')}`),
  });
  const wire = (await fn.handler(trigger, context)) as WireState;
  return {
    ...wire,
    parsed: wire.results.map((r) => (r.result === undefined ? undefined : (JSON.parse(r.result) as unknown))),
  };
}

const stateOf = (wire: WireState): MemberEntityState =>
  JSON.parse(wire.entityState ?? 'null') as MemberEntityState;
const enrolOp = (enrolment = enrolmentOf()): Op => ['enrol', { enrolment, at: AT }];
const applyOp = (...observations: Observation[]): Op => ['applyRealtime', { observations, at: AT }];

beforeEach(() => {
  logs.length = 0;
});

describe('member entity through the durable-functions entity handler', () => {
  it('is registered as an entity trigger, as is the notification outbox', () => {
    // Given the entity modules were imported
    // When the registry is asked for them
    const registry = currentRegistry();

    // Then both are entity triggers the host can dispatch to
    expect(registry.find('member', 'entityTrigger')?.trigger.type).toBe('entityTrigger');
    expect(registry.find('notificationOutbox', 'entityTrigger')?.trigger.type).toBe('entityTrigger');
  });

  it('answers a batch enrol + applyRealtime + duplicate applyRealtime in order, holding the load once', async () => {
    // Given a new entity
    const load = obs({ id: 'T-1', cents: 25_000 });

    // When one batch enrols the member and delivers the same load twice
    const wire = await runBatch('member', 'M-1', undefined, [enrolOp(), applyOp(load), applyOp(load)]);

    // Then each operation succeeded, in batch order
    expect(wire.results.map((r) => r.isError)).toEqual([false, false, false]);
    expect(wire.parsed).toEqual([{ ok: true, value: { created: true } }, { ok: true }, { ok: true }]);
    // And the state holds the enrolment and one observation of T-1
    const state = stateOf(wire);
    expect(wire.entityExists).toBe(true);
    expect(state.buffered).toEqual([]);
    expect(state.ledger?.enrolment.memberId).toBe('M-1');
    expect(Object.keys(state.ledger?.transactions ?? {})).toEqual(['T-1']);
    expect(state.ledger?.transactions['T-1']?.observations).toEqual([load]);
  });

  it('changes nothing when the same transaction is applied again in a later batch', async () => {
    // Given an entity that already holds T-1
    const load = obs({ id: 'T-1', cents: 40_000 });
    const first = await runBatch('member', 'M-1', undefined, [enrolOp(), applyOp(load)]);

    // When the same signal is redelivered in a new batch
    const second = await runBatch('member', 'M-1', first.entityState, [applyOp(load)]);

    // Then the state is byte-for-byte the same and nothing is signalled
    expect(second.parsed).toEqual([{ ok: true }]);
    expect(second.entityState).toBe(first.entityState);
    expect(second.signals).toEqual([]);
  });

  it('answers a second enrol with created:false and keeps the first enrolment', async () => {
    // Given an enrolled member
    const first = await runBatch('member', 'M-1', undefined, [enrolOp()]);

    // When enrol arrives again with a different enrolment (a retried or racing request)
    const later = { ...enrolmentOf(), enrolledAt: '2026-11-25T05:00:00.000Z' };
    const second = await runBatch('member', 'M-1', first.entityState, [enrolOp(later)]);

    // Then it is a no-op
    expect(second.parsed).toEqual([{ ok: true, value: { created: false } }]);
    expect(second.entityState).toBe(first.entityState);
  });

  it('signals its notificationOutbox shard exactly when a notification is queued or the projection changes', async () => {
    // Given an enrolled member (its first projection, ENROLLED, is queued for memberStates)
    const enrolled = await runBatch('member', 'M-1', undefined, [enrolOp()]);
    expect(enrolled.signals.map((s) => JSON.parse(s.input) as unknown)).toEqual([
      { memberId: 'M-1', ids: ['memberState:v1'] },
    ]);

    // When loads arrive: one short of the target, one reaching it, then the second again
    const below = obs({ id: 'T-1', cents: 60_000 });
    const reaching = obs({ id: 'T-2', cents: 40_000 });
    const wire = await runBatch('member', 'M-1', enrolled.entityState, [
      applyOp(below),
      applyOp(reaching),
      applyOp(reaching),
      ['get'],
    ]);

    // Then every signal went to the member's shard of the outbox index, naming the one notification queued
    // once, and one projection version per state change (ACTIVE, then PENDING_REWARD); the repeat, nothing
    for (const signal of wire.signals)
      expect(signal).toMatchObject({
        target: { name: 'notificationOutbox', key: notifyShardOf('M-1') },
        name: 'add',
      });
    const named = wire.signals.flatMap((s) => (JSON.parse(s.input) as { ids: string[] }).ids);
    expect(named.filter((id) => !id.startsWith('memberState:'))).toEqual([TARGET_REACHED_1]);
    expect(named.filter((id) => id.startsWith('memberState:'))).toEqual(['memberState:v2', 'memberState:v3']);
    expect(stateOf(wire).ledger?.outbox.map((n) => n.id)).toEqual([TARGET_REACHED_1]);

    // And acknowledging the delivered notification signals nothing
    const acked = await runBatch('member', 'M-1', wire.entityState, [
      ['ackOutbox', { ids: [TARGET_REACHED_1] }],
    ]);
    expect(acked.signals).toEqual([]);
    expect(stateOf(acked).ledger?.outbox).toEqual([]);
  });

  it('buffers operations that arrive before enrolment and applies them at enrolment', async () => {
    // Given loads signalled before the enrol signal (different senders are not ordered)
    const early = await runBatch('member', 'M-1', undefined, [
      applyOp(obs({ id: 'T-1', cents: 70_000 })),
      applyOp(obs({ id: 'T-2', cents: 30_000 })),
    ]);
    expect(early.parsed).toEqual([{ ok: true }, { ok: true }]);
    expect(stateOf(early)).toMatchObject({
      ledger: null,
      buffered: [{ operation: 'applyRealtime' }, { operation: 'applyRealtime' }],
    });
    expect(early.signals).toEqual([]);

    // When the enrolment arrives
    const wire = await runBatch('member', 'M-1', early.entityState, [enrolOp()]);

    // Then the buffered loads are applied, the buffer emptied, and the reached target notified
    const state = stateOf(wire);
    expect(Object.keys(state.ledger?.transactions ?? {}).sort()).toEqual(['T-1', 'T-2']);
    expect(state.buffered).toEqual([]);
    expect(state.ledger?.celebrations.TARGET_REACHED.raisedAt).toBe(AT);
    expect(wire.signals.map((s) => JSON.parse(s.input) as unknown)).toEqual([
      { memberId: 'M-1', ids: [TARGET_REACHED_1, 'memberState:v1'] },
    ]);
  });

  it('bounds the pre-enrolment buffer and says so', async () => {
    // Given an entity that has buffered the maximum number of early operations
    const ops: Op[] = Array.from({ length: 200 }, (_, i) => applyOp(obs({ id: `T-${i}`, cents: 100 })));
    const full = await runBatch('member', 'M-1', undefined, ops);
    expect(full.parsed.every((r) => (r as { ok: boolean }).ok)).toBe(true);

    // When one more arrives
    const wire = await runBatch('member', 'M-1', full.entityState, [applyOp(obs({ id: 'T-extra' }))]);

    // Then it is refused with a stable code and the buffer does not grow
    expect(wire.parsed).toEqual([expect.objectContaining({ ok: false, code: 'MEMBER.BUFFER_FULL' })]);
    expect(wire.entityState).toBe(full.entityState);
  });

  it('records an observation of another member as a contradiction instead of counting it', async () => {
    // Given an enrolled member M-1
    const before = await runBatch('member', 'M-1', undefined, [enrolOp()]);

    // When a load of M-2 is signalled to M-1's entity
    const wire = await runBatch('member', 'M-1', before.entityState, [
      applyOp(obs({ id: 'T-9', memberId: 'M-2', cents: 100_000 })),
    ]);

    // Then it is kept for ops as a contradiction and nothing counts or celebrates
    const ledger = stateOf(wire).ledger;
    expect(ledger?.transactions).toEqual({});
    expect(ledger?.contradictions).toEqual([
      { transactionId: 'T-9', detail: expect.stringContaining('M-2') },
    ]);
    expect(wire.signals).toEqual([]);
  });

  it('refuses member-facing operations before enrolment instead of buffering them', async () => {
    // Given no enrolment
    // When the app acknowledges a celebration
    const wire = await runBatch('member', 'M-1', undefined, [
      ['acknowledge', { kind: 'TARGET_REACHED', at: AT }],
    ]);

    // Then it is refused and nothing is kept for later
    expect(wire.parsed).toEqual([expect.objectContaining({ ok: false, code: 'MEMBER.NOT_ENROLLED' })]);
    expect(stateOf(wire).buffered).toEqual([]);
  });

  it('answers MEMBER.INVALID_INPUT for an invalid input and changes nothing', async () => {
    // Given an enrolled member holding one load
    const before = await runBatch('member', 'M-1', undefined, [enrolOp(), applyOp(obs({ id: 'T-1' }))]);

    // When malformed signals arrive: a bad observation, a missing time, a non-object
    const wire = await runBatch('member', 'M-1', before.entityState, [
      ['applyRealtime', { observations: [{ transactionId: 'T-2', audCents: -5 }], at: AT }],
      ['applyRealtime', { observations: [] }],
      ['acknowledge', 'TARGET_REACHED'],
    ]);

    // Then each is refused with the stable code, a warning is logged, and the state is untouched
    expect(wire.results.map((r) => r.isError)).toEqual([false, false, false]);
    for (const result of wire.parsed)
      expect(result).toMatchObject({ ok: false, code: 'MEMBER.INVALID_INPUT' });
    expect(wire.entityState).toBe(before.entityState);
    expect(logs.filter((l) => l.includes('MEMBER.INVALID_INPUT'))).toHaveLength(3);
  });

  it('answers MEMBER.UNKNOWN_OPERATION for an operation it does not define', async () => {
    // Given an enrolled member
    const before = await runBatch('member', 'M-1', undefined, [enrolOp()]);

    // When an unknown operation is signalled
    const wire = await runBatch('member', 'M-1', before.entityState, [['delete', {}]]);

    // Then it is refused without touching the state
    expect(wire.parsed).toEqual([expect.objectContaining({ ok: false, code: 'MEMBER.UNKNOWN_OPERATION' })]);
    expect(wire.entityState).toBe(before.entityState);
  });

  it('keeps its state plain JSON that round-trips unchanged', async () => {
    // Given a member with loads, a pending withdrawal, a hold, an acknowledgement and a queued notification
    const wire = await runBatch('member', 'M-1', undefined, [
      enrolOp(),
      applyOp(obs({ id: 'T-1', cents: 100_000 }), obs({ id: 'T-2', status: 'PENDING', method: 'BPAY' })),
      applyOp(obs({ id: 'W-1', type: 'WITHDRAWAL', status: 'PENDING', cents: 500 })),
      [
        'hold',
        {
          ref: 'FEED:2026-11-26:v1:3',
          businessDate: '2026-11-26',
          version: 1,
          reason: 'TX.BAD_AMOUNT',
          at: AT,
        },
      ],
      ['get'],
    ]);

    // When the state is read back the way the SDK stores it
    const text = wire.entityState ?? '';
    const reparsed = JSON.parse(text) as unknown;

    // Then it is an exact JSON round trip (no Date, Map, undefined or class instance survives differently)
    expect(JSON.stringify(reparsed)).toBe(text);
    expect(JSON.stringify(JSON.parse(JSON.stringify(reparsed)))).toBe(text);
    // And the `get` result is the same plain ledger
    expect(wire.parsed[4]).toMatchObject({ ok: true, value: (reparsed as MemberEntityState).ledger });
  });
});

describe('notificationOutbox entity through the durable-functions entity handler', () => {
  it('adds ids once, removes only the given ids, and answers get with the index', async () => {
    // Given an empty index
    // When ids are added (one twice), one removed, and the index read
    const wire = await runBatch('notificationOutbox', 'shard-03', undefined, [
      ['add', { memberId: 'M-1', ids: ['a', 'b'] }],
      ['add', { memberId: 'M-1', ids: ['b', 'c'] }],
      ['add', { memberId: 'M-2', ids: ['x'] }],
      ['remove', { memberId: 'M-1', ids: ['a'] }],
      ['remove', { memberId: 'M-2', ids: ['x'] }],
      ['get'],
    ]);

    // Then the index holds each undelivered id once, and drops members with none left
    const expected: OutboxIndex = { 'M-1': ['b', 'c'] };
    expect(wire.parsed[5]).toEqual(expected);
    expect(JSON.parse(wire.entityState ?? '')).toEqual(expected);
  });

  it('ignores a malformed change', async () => {
    // Given an index with one member
    const first = await runBatch('notificationOutbox', 'shard-03', undefined, [
      ['add', { memberId: 'M-1', ids: ['a'] }],
    ]);

    // When a malformed change arrives
    const wire = await runBatch('notificationOutbox', 'shard-03', first.entityState, [['add', { ids: 'a' }]]);

    // Then the index is unchanged
    expect(wire.entityState).toBe(first.entityState);
  });
});
