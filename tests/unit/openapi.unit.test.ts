import fs from 'node:fs';
import path from 'node:path';
import {
  addObservations,
  CELEBRATION_KINDS,
  DECISION_OUTCOMES,
  explainTimeline,
  MEMBER_STATES,
  progressView,
  REWARD_STATUSES,
} from '../../src/domain';
import { ledgerFor, obs } from '../support/domainBuilders';
import {
  openApiDocument,
  operations,
  specPath,
  validateRequestBody,
  validateResponse,
  validator,
} from '../support/openapi';

// openapi.yaml is the contract the app, the onboarding system and ops tools build against. These tests
// keep it complete (every route of docs/contracts.md, every error response) and prove that the validator
// other HTTP tests use really rejects a response that breaks it.

const contracts = fs.readFileSync(path.resolve(__dirname, '../../docs/contracts.md'), 'utf8');

/** The HTTP table of docs/contracts.md as `METHOD /route role` lines. */
function contractRoutes(): string[] {
  const section = contracts.split(/^## /m).find((s) => s.startsWith('HTTP')) ?? '';
  return section
    .split('\n')
    .filter((line) => /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|/.test(line))
    .flatMap((line) => {
      const [method = '', routes = '', role = ''] = line
        .split('|')
        .slice(1)
        .map((c) => c.trim());
      return [...routes.matchAll(/`([^`]+)`/g)].map((m) => `${method} /${m[1]} ${role.replace(/`/g, '')}`);
    });
}

/** The role an operation requires, in the contract's words (member = any signed-in principal). */
function roleOf(security: Record<string, string[]>[] | undefined): string {
  const effective =
    security ?? (openApiDocument() as unknown as { security: Record<string, string[]>[] }).security;
  if (effective.length === 0) return 'anonymous';
  return effective[0]?.appServiceAuthentication?.[0] ?? 'member';
}

const progress = {
  memberId: 'M-42',
  campaignId: 'cold-member-activation',
  state: 'PENDING_REWARD',
  timeZone: 'Australia/Sydney',
  enrolledAt: '2026-11-25T09:00:00+11:00',
  windowClosesAt: '2026-12-25T13:00:00Z',
  evaluationAt: '2026-12-30T13:00:00Z',
  lastGraceDate: '2026-12-30',
  targetCents: 100000,
  progressCents: 100000,
  confirmedCents: 25000,
  pendingCents: 5000,
  remainingCents: 0,
  target: '1000.00',
  progress: '1000.00',
  confirmed: '250.00',
  pending: '50.00',
  remaining: '0.00',
  atRisk: false,
  celebrations: [{ kind: 'TARGET_REACHED', raisedAt: '2026-12-01T10:00:00Z' }],
  decision: null,
  reward: null,
  asOf: '2026-12-02T00:00:00Z',
};

const problem = {
  type: 'https://errors.cold-member-activation/member-not-enrolled',
  title: 'Not enrolled',
  status: 404,
  code: 'MEMBER.NOT_ENROLLED',
  detail: 'M-42 is not enrolled in cold-member-activation',
};

describe('openapi.yaml covers the HTTP contract', () => {
  it('is OpenAPI 3.1 and documents every route of docs/contracts.md with its role', () => {
    expect(openApiDocument().openapi).toMatch(/^3\.1\./);
    const documented = operations().map((o) => `${o.method} ${o.path} ${roleOf(o.operation.security)}`);
    expect(contractRoutes().length).toBeGreaterThanOrEqual(9);
    expect(documented.sort()).toEqual(contractRoutes().sort());
  });

  it('documents problem+json 401, 403 and 500 on every authenticated operation, 400/413/415/422 where a body is read', () => {
    const missing = operations().flatMap(({ method, path: p, operation }) => {
      const needed = [
        ...(roleOf(operation.security) === 'anonymous' ? ['500'] : ['400', '401', '403', '500']),
        ...(operation.requestBody ? ['413', '415', '422'] : []),
      ];
      return needed
        .filter(
          (status) =>
            validateResponse(method, p, Number(status), 'application/problem+json', problem).length > 0,
        )
        .map((status) => `${method} ${p} ${status}`);
    });
    expect(missing).toEqual([]);
  });

  it('compiles every schema, response, request body and parameter under strict JSON Schema 2020-12', () => {
    const doc = openApiDocument() as unknown as { components: Record<string, Record<string, unknown>> };
    const pointers = [
      ...Object.keys(doc.components.schemas ?? {}).map((name) => `/components/schemas/${name}`),
      ...Object.keys(doc.components.parameters ?? {}).map((name) => `/components/parameters/${name}/schema`),
    ];
    // Strict mode throws on an unknown keyword, e.g. a YAML description that split into a bogus key.
    for (const pointer of pointers) expect(() => validator(pointer)).not.toThrow();
    for (const { method, path: p, operation } of operations()) {
      for (const status of Object.keys(operation.responses)) {
        expect(() => validateResponse(method, p, Number(status), 'application/json', {})).not.toThrow();
      }
    }
    expect(pointers.length).toBeGreaterThan(30);
  });

  it('lists exactly the domain enums (states, celebrations, decision outcomes, reward statuses)', () => {
    const { schemas } = openApiDocument().components;
    const enumOf = (name: string) => (schemas[name] as { enum?: string[] } | undefined)?.enum;
    expect(enumOf('MemberState')).toEqual([...MEMBER_STATES]);
    expect(enumOf('CelebrationKind')).toEqual([...CELEBRATION_KINDS]);
    expect(enumOf('DecisionOutcome')).toEqual([...DECISION_OUTCOMES]);
    expect(enumOf('RewardStatus')).toEqual([...REWARD_STATUSES]);
  });

  it('validates request bodies too: an enrolment needs a well-formed member id', () => {
    expect(validateRequestBody('POST', 'enrolments', 'application/json', { memberId: 'M-42' })).toEqual([]);
    expect(
      validateRequestBody('POST', 'enrolments', 'application/json', {
        memberId: 'M 42',
        enrolledAt: 'today',
      }),
    ).toEqual([
      expect.stringMatching(/^POST enrolments request: \/memberId must match pattern/),
      'POST enrolments request: /enrolledAt must match format "date-time"',
    ]);
    expect(validateRequestBody('GET', 'me/progress', 'application/json', {})).toEqual([
      'GET me/progress request: no request body is documented',
    ]);
  });
});

describe('validateResponse', () => {
  it('accepts a conforming progress view, and the domain progressView conforms', () => {
    expect(validateResponse('GET', 'me/progress', 200, 'application/json; charset=utf-8', progress)).toEqual(
      [],
    );
    const view = progressView(ledgerFor(), '2026-11-26T00:00:00.000Z');
    expect(validateResponse('GET', '/api/me/progress', 200, 'application/json', view)).toEqual([]);
  });

  it('accepts negative NET_BALANCE totals, a decision and an issued reward', () => {
    const after = {
      ...progress,
      state: 'COMPLETE',
      progressCents: -1250,
      progress: '-12.50',
      decision: { outcome: 'QUALIFIED', decidedAt: '2026-12-31T13:00:00Z' },
      reward: { status: 'ISSUED', points: 2000, issuedAt: '2026-12-31T13:00:05Z', attempts: 1 },
    };
    expect(validateResponse('POST', 'me/celebrations/{kind}/ack', 200, 'application/json', after)).toEqual(
      [],
    );
  });

  it('rejects a progress view with float money, an unknown state, an instant without offset and an extra field', () => {
    const wrong = {
      ...progress,
      progressCents: 1000.5,
      state: 'DONE',
      asOf: '2026-12-02T00:00:00',
      extra: 1,
    };
    expect(validateResponse('GET', 'me/progress', 200, 'application/json', wrong)).toEqual(
      expect.arrayContaining([
        'GET me/progress → 200: /progressCents must be integer',
        expect.stringMatching(/^GET me\/progress → 200: \/state must be equal to one of the allowed values/),
        'GET me/progress → 200: /asOf must match format "date-time"',
        'GET me/progress → 200: (body) must NOT have additional properties (extra)',
      ]),
    );
  });

  it('rejects a missing field and a decimal string that is not two fraction digits', () => {
    const { asOf: _asOf, ...noAsOf } = progress;
    const errors = validateResponse('GET', 'me/progress', 200, 'application/json', {
      ...noAsOf,
      target: '1000',
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        "GET me/progress → 200: (body) must have required property 'asOf'",
        expect.stringMatching(/^GET me\/progress → 200: \/target must match pattern/),
      ]),
    );
  });

  it('checks problem responses: the media type and the stable code', () => {
    expect(validateResponse('GET', 'me/progress', 404, 'application/problem+json', problem)).toEqual([]);
    expect(validateResponse('GET', 'me/progress', 404, 'application/json', problem)).toEqual([
      'GET me/progress → 404: content type "application/json" is not documented (documented: application/problem+json)',
    ]);
    const { code: _code, ...noCode } = problem;
    expect(validateResponse('GET', 'me/progress', 404, 'application/problem+json', noCode)).toEqual([
      "GET me/progress → 404: (body) must have required property 'code'",
    ]);
  });

  it('resolves a concrete path to its template and reports undocumented routes and statuses', () => {
    expect(specPath('/api/me/celebrations/TARGET_REACHED/ack')).toBe('/me/celebrations/{kind}/ack');
    expect(specPath('/api/ops/feeds/2026-11-25')).toBe('/ops/feeds/{businessDate}');
    expect(validateResponse('GET', 'me/points', 200, 'application/json', {})).toEqual([
      'GET me/points → 200: no path me/points in openapi.yaml',
    ]);
    expect(validateResponse('DELETE', 'enrolments', 200, 'application/json', {})).toEqual([
      'DELETE enrolments → 200: DELETE is not documented for /enrolments',
    ]);
    expect(validateResponse('GET', 'me/progress', 418, 'application/json', {})[0]).toMatch(
      /status 418 is not documented/,
    );
  });

  it('validates the enrolment, re-drive, funnel and health bodies', () => {
    const enrolment = {
      memberId: 'M-42',
      campaignId: 'cold-member-activation',
      enrolledAt: '2026-11-25T09:00:00+11:00',
      windowClosesAt: '2026-12-25T13:00:00Z',
      evaluationAt: '2026-12-30T13:00:00Z',
      lastGraceDate: '2026-12-30',
      instanceId: 'memberCampaign:cold-member-activation:M-42',
    };
    expect(validateResponse('POST', 'enrolments', 201, 'application/json', enrolment)).toEqual([]);
    expect(
      validateResponse('POST', 'enrolments', 200, 'application/json', { ...enrolment, instanceId: 'M-42' }),
    ).toEqual([expect.stringMatching(/^POST enrolments → 200: \/instanceId must match pattern/)]);
    const redrive = { memberId: 'M-42', action: 'RESTARTED', instanceId: enrolment.instanceId };
    expect(
      validateResponse('POST', 'ops/members/{memberId}/redrive', 202, 'application/json', redrive),
    ).toEqual([]);
    const funnel = {
      campaignId: 'cold-member-activation',
      asOf: '2026-12-02T00:00:00Z',
      source: 'memberStates',
      enrolledOn: null,
      members: 4,
      counts: { ENROLLED: 3, ACTIVE: 1 },
      atRisk: 0,
      held: 1,
      rewards: { pending: 0, needsReview: 0 },
      deadLetters: { queue: 'card-transactions', count: 2 },
    };
    expect(validateResponse('GET', 'ops/funnel', 200, 'application/json', funnel)).toEqual([]);
    expect(
      validateResponse('GET', 'ops/funnel', 200, 'application/json', { ...funnel, counts: { DONE: 1 } }),
    ).not.toEqual([]);
    expect(
      validateResponse('GET', 'ops/funnel', 200, 'application/json', { ...funnel, enrolledOn: '2026-11-25' }),
    ).toEqual([]);
    expect(
      validateResponse('GET', 'ops/funnel', 200, 'application/json', { ...funnel, enrolledOn: '25/11/2026' }),
    ).not.toEqual([]);
    const degraded = {
      status: 'degraded',
      dependencies: { cosmos: { status: 'ok' }, points: { status: 'unavailable', detail: 'timeout' } },
    };
    expect(validateResponse('GET', 'health', 200, 'application/json', degraded)).toEqual([]);
  });

  it('validates an ops member detail assembled from the domain enrolment and progress view', () => {
    const ledger = ledgerFor();
    const detail = {
      memberId: 'M-1',
      enrolment: ledger.enrolment,
      progress: progressView(ledger, '2026-11-26T00:00:00.000Z'),
      ledger: [
        {
          id: 'T-1',
          memberId: 'M-1',
          type: 'LOAD',
          observations: [obs({ id: 'T-1' })],
          realtimeSettledOn: '2026-11-25',
          feedDates: [],
          awaitingFeedSince: '2026-11-25',
        },
      ],
      holds: [
        {
          ref: 'FEED:2026-11-25%3Av1%3Aline%3A7',
          businessDate: '2026-11-25',
          version: 1,
          reason: 'ROW.BAD_AMOUNT',
        },
      ],
      contradictions: [],
      celebrations: ledger.celebrations,
      timeline: explainTimeline(addObservations(ledger, [obs({ id: 'T-1' })]), '2026-11-26T00:00:00.000Z'),
      decision: null,
      reward: null,
      idempotencyKey: 'cold-member-activation:M-1',
      quarantined: [],
      orchestration: {
        instanceId: 'memberCampaign:cold-member-activation:M-1',
        runtimeStatus: 'Running',
        customStatus: null,
      },
    };
    expect(validateResponse('GET', 'ops/members/{memberId}', 200, 'application/json', detail)).toEqual([]);
    const noOrchestration = { ...detail, orchestration: undefined };
    expect(validateResponse('GET', 'ops/members/M-1', 200, 'application/json', noOrchestration)).toEqual([
      "GET ops/members/M-1 → 200: (body) must have required property 'orchestration'",
    ]);
  });

  it('validates a feed date with a completed run and its reconciliation report', () => {
    const run = {
      businessDate: '2026-11-25',
      version: 2,
      status: 'COMPLETED',
      file: 'transactions-2026-11-25.csv.gz',
      sha256: 'a'.repeat(64),
      rowCount: 3,
      rowsRead: 3,
      campaignRows: 2,
      applied: 1,
      ignored: { NON_CAMPAIGN_MEMBER: 1, NON_QUALIFYING_TYPE: 0, UNKNOWN_METHOD: 0 },
      rejected: { count: 1, lines: [{ line: 3, code: 'ROW.BAD_AMOUNT', detail: 'aud_amount "x"' }] },
      matched: 1,
      feedOnly: 0,
      amountMismatches: { count: 0, items: [] },
      missingFromFeed: { since: '2026-11-22', count: 0, items: [] },
      startedAt: '2026-11-26T01:00:00Z',
      completedAt: '2026-11-26T01:02:00Z',
    };
    const feedDate = { businessDate: '2026-11-25', current: run, runs: [run] };
    expect(validateResponse('GET', 'ops/feeds/{businessDate}', 200, 'application/json', feedDate)).toEqual(
      [],
    );
    const page = { watermark: null, items: [{ ...run, status: 'REJECTED', completedAt: null }] };
    expect(validateResponse('GET', 'ops/feeds', 200, 'application/json', page)).toEqual([]);
    expect(validateResponse('GET', 'ops/feeds', 200, 'application/json', { items: [] })).toEqual([
      "GET ops/feeds → 200: (body) must have required property 'watermark'",
    ]);
  });
});
