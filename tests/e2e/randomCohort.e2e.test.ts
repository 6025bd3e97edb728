import { describeRandomCohort } from '../support/e2eRandomSuite';

/**
 * 200 members with seeded random event streams (tests/support/e2eRandomCohort.ts) through a whole
 * campaign, compared with the independent reference model of SPEC's rules. Half enrol on 2026-09-20, so
 * their window spans the start of daylight saving in Sydney (2026-10-04); the other half enrol on that
 * very day. E2E_SEED reproduces another run.
 */
jest.setTimeout(240_000);

describeRandomCohort({
  name: 'random-cohort',
  seed: Number(process.env['E2E_SEED'] ?? 20261126),
  size: 200,
  day0: '2026-09-20',
  secondGroupDay: 14,
  withdrawalPolicy: 'ANY_WITHDRAWAL',
  mustSee: ['COMPLETE', 'DISQUALIFIED', 'EXPIRED'],
});
