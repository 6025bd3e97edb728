import { describeRandomCohort } from '../support/e2eRandomSuite';

/**
 * The same random streams under the `NET_BALANCE` withdrawal policy (SPEC §4): totals net of
 * disqualifying withdrawals, no DISQUALIFIED state. The campaign spans the end of daylight saving
 * (2027-04-04).
 */
jest.setTimeout(240_000);

describeRandomCohort({
  name: 'random-net-balance',
  seed: Number(process.env['E2E_SEED'] ?? 4242),
  size: 100,
  day0: '2027-03-20',
  withdrawalPolicy: 'NET_BALANCE',
  mustSee: ['COMPLETE', 'EXPIRED'],
});
