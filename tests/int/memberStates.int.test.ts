import fc from 'fast-check';
import { dispatchNotifications } from '../../src/app/notifyDrain';
import {
  createEnrolment,
  MEMBER_STATES,
  memberState,
  projectMember,
  type MemberState,
} from '../../src/domain';
import { opsFunnel } from '../../src/functions/http/handlers/ops';
import { opsRebuildMemberStates } from '../../src/functions/http/handlers/memberStates';
import { obs } from '../support/domainBuilders';
import { testApp, type TestApp } from '../support/fakeCampaignClient';
import { asMember, asOps, httpRequest } from '../support/httpRequests';
import { memoryMemberStateRepository } from '../support/memory';

// The memberStates projection (issue 13.3): the funnel reads one aggregate of it, so it must equal a count
// over the member entities whatever the members did, whenever the dispatch ran in between, and after a
// rebuild from the entities.

const CAMPAIGN = 'cold-member-activation';
const ENROLLED_AT = '2026-11-24T22:00:00.000Z';
const DAY = 86_400_000;

type Step =
  | { kind: 'load'; member: number; cents: number; status: 'SETTLED' | 'PENDING' }
  | { kind: 'withdraw'; member: number; status: 'SETTLED' | 'PENDING' }
  | { kind: 'hold'; member: number }
  | { kind: 'release'; member: number }
  | { kind: 'dispatch' };

const member = fc.integer({ min: 0, max: 4 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('load' as const),
    member,
    cents: fc.integer({ min: 1, max: 120_000 }),
    status: fc.constantFrom('SETTLED' as const, 'PENDING' as const),
  }),
  fc.record({
    kind: fc.constant('withdraw' as const),
    member,
    status: fc.constantFrom('SETTLED' as const, 'PENDING' as const),
  }),
  fc.record({ kind: fc.constant('hold' as const), member }),
  fc.record({ kind: fc.constant('release' as const), member }),
  fc.constant({ kind: 'dispatch' as const }),
);

const idOf = (n: number) => `M-${n + 1}`;

async function enrolAll(app: TestApp): Promise<void> {
  for (let n = 0; n < 5; n += 1) {
    const enrolment = createEnrolment({ memberId: idOf(n) }, ENROLLED_AT, app.services.settings.campaign);
    if (!enrolment.ok) throw new Error(enrolment.detail);
    await app.repos.members.create(enrolment.value);
    await app.client.signalMember(idOf(n), 'enrol', { enrolment: enrolment.value, at: ENROLLED_AT });
  }
}

let seq = 0;
async function apply(app: TestApp, s: Step): Promise<void> {
  const at = app.clock.now();
  if (s.kind === 'dispatch') {
    await dispatchNotifications(app);
    return;
  }
  const memberId = idOf(s.member);
  const initiatedAt = at;
  switch (s.kind) {
    case 'load':
    case 'withdraw': {
      const o = obs({
        id: `T-${++seq}`,
        memberId,
        type: s.kind === 'load' ? 'LOAD' : 'WITHDRAWAL',
        cents: s.kind === 'load' ? s.cents : 5_000,
        status: s.status,
        initiatedAt,
        knownOn: '2026-11-25',
      });
      await app.client.signalMember(memberId, 'applyRealtime', { observations: [o], at });
      return;
    }
    case 'hold':
      await app.client.signalMember(memberId, 'hold', {
        ref: `Q-${++seq}`,
        businessDate: '2026-11-26',
        version: 1,
        reason: 'FEED.BAD_ROW',
        at,
      });
      return;
    case 'release':
      await app.client.signalMember(memberId, 'releaseHolds', { at });
      return;
    default: {
      const unreachable: never = s;
      throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
    }
  }
}

/** What the funnel must show: each entity's state and flags, projected now. */
function countOverEntities(app: TestApp) {
  const counts = Object.fromEntries(MEMBER_STATES.map((s) => [s, 0])) as Record<MemberState, number>;
  let atRisk = 0;
  let held = 0;
  for (let n = 0; n < 5; n += 1) {
    const ledger = app.client.state(idOf(n))?.ledger;
    if (!ledger) continue;
    counts[memberState(ledger, app.clock.now())] += 1;
    const p = projectMember(ledger, app.clock.now());
    if (p.atRisk) atRisk += 1;
    if (p.held) held += 1;
  }
  return { counts, atRisk, held };
}

async function funnel(app: TestApp) {
  const answer = await opsFunnel(httpRequest('GET', 'ops/funnel', { headers: asOps() }), app);
  expect(answer.status).toBe(200);
  const body = answer.jsonBody as { counts: Record<MemberState, number>; atRisk: number; held: number };
  return { counts: body.counts, atRisk: body.atRisk, held: body.held };
}

describe('memberStates projection', () => {
  it('the funnel equals a count over the entities, before and after evaluation, and after a rebuild', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 25 }),
        fc.array(step, { maxLength: 8 }),
        async (before, after) => {
          const app = testApp({ now: ENROLLED_AT });
          await enrolAll(app);
          app.clock.advance(3_600_000);
          for (const s of before) await apply(app, s);
          await dispatchNotifications(app);
          expect(await funnel(app)).toEqual(countOverEntities(app));

          // past evaluation, each member's campaign checks its decision (held ones wait), then more happens
          const evaluation = Date.parse(app.client.state('M-1')?.ledger?.enrolment.window.evaluationAt ?? '');
          app.clock.advance(evaluation - Date.parse(app.clock.now()) + 60_000);
          for (let n = 0; n < 5; n += 1)
            await app.client.signalMember(idOf(n), 'decide', {
              now: app.clock.now(),
              watermark: '2026-11-20',
            });
          for (const s of after) await apply(app, s);
          await dispatchNotifications(app);
          expect(await funnel(app)).toEqual(countOverEntities(app));

          // a lost projection is rebuilt from the entities, page by page
          app.repos.memberStates = memoryMemberStateRepository();
          let next: string | null | undefined;
          do {
            const query: Record<string, string> = { limit: '2', ...(next ? { after: next } : {}) };
            const page = await opsRebuildMemberStates(
              httpRequest('POST', 'ops/member-states/rebuild', { headers: asOps(), query }),
              app,
            );
            expect(page.status).toBe(200);
            next = (page.jsonBody as { next: string | null }).next;
          } while (next);
          expect(await funnel(app)).toEqual(countOverEntities(app));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('never lets a rebuild overwrite a newer projection (last writer by version)', async () => {
    // Given a member whose projection the dispatch wrote at PENDING_REWARD
    const app = testApp({ now: ENROLLED_AT });
    await enrolAll(app);
    const big = obs({
      id: 'T-big',
      memberId: 'M-1',
      cents: 100_000,
      initiatedAt: app.clock.now(),
      knownOn: '2026-11-25',
    });
    await app.client.signalMember('M-1', 'applyRealtime', { observations: [big], at: app.clock.now() });
    await dispatchNotifications(app);
    const written = await app.repos.memberStates.get(CAMPAIGN, 'M-1');
    expect(written).toMatchObject({ state: 'PENDING_REWARD' });

    // When a stale writer (an older version, e.g. a rebuild that read the entity earlier) writes
    const stale = await app.repos.memberStates.put({
      ...(written as NonNullable<typeof written>),
      state: 'ENROLLED',
      version: (written?.version ?? 1) - 1,
      updatedAt: new Date(Date.parse(app.clock.now()) + DAY).toISOString(),
    });

    // Then the newer document stays
    expect(stale).toBe('UNCHANGED');
    expect(await app.repos.memberStates.get(CAMPAIGN, 'M-1')).toEqual(written);
  });

  it('answers 403 to a member on the rebuild and 400 on a bad page', async () => {
    const app = testApp({ now: ENROLLED_AT });
    const member = await opsRebuildMemberStates(
      httpRequest('POST', 'ops/member-states/rebuild', { headers: asMember('M-1') }),
      app,
    );
    const bad = await opsRebuildMemberStates(
      httpRequest('POST', 'ops/member-states/rebuild', { headers: asOps(), query: { limit: '0' } }),
      app,
    );
    expect([member.status, bad.status]).toEqual([403, 400]);
  });
});
