import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../support/browser';
import { E2eRuntime, type FunnelReport } from '../support/e2eRuntime';
import { Timeline } from '../support/e2eTimeline';
import { CampaignDays, feedRow, message, type Tx } from '../support/e2eTransactions';

/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the local runtime on
 * the virtual clock: what a member sees and what ops do with it, each page screenshotted outside the
 * repository tree (`$SCREENSHOT_DIR`, else `<os temp dir>/cma-console-screenshots`; tests/support/browser.ts).
 */
jest.setTimeout(300_000);

const days = new CampaignDays('2026-11-26');
const LAST_GRACE_DAY = 35; // day 0 + 30 + 5

const M = {
  confetti: 'UI-CONFETTI',
  held: 'UI-HELD',
  redrive: 'UI-REDRIVE',
  atRisk: 'UI-ATRISK',
} as const;
const tx = (
  memberId: string,
  n: number,
  method: string,
  amount: string,
  day: number,
  audAmount?: string,
): Tx => ({
  transactionId: `${memberId}-T${n}`,
  memberId,
  type: 'LOAD',
  method,
  amount,
  ...(audAmount ? { audAmount } : {}),
  initiatedAt: days.at(day, 10),
});

const instant = tx(M.confetti, 1, 'APPLE_PAY', '1000.00', 0);
const bpay = tx(M.confetti, 2, 'BPAY', '50.00', 0);
const heldLoad = tx(M.held, 1, 'OSKO', '1000.00', 0);
const heldBad = { ...heldLoad, audAmount: '1000.0O' }; // the warehouse's typo: letter O for zero
const redriveLoad = tx(M.redrive, 1, 'OSKO', '1000.00', 1);
const redriveBad = { ...redriveLoad, audAmount: 'n/a' };
const smallLoad = tx(M.atRisk, 1, 'APPLE_PAY', '300.00', 0);
const toBank: Tx = { ...tx(M.atRisk, 2, 'BANK_ACCOUNT', '100.00', 0), type: 'WITHDRAWAL' };

let rt: E2eRuntime;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  rt = await E2eRuntime.start({
    name: 'console',
    clockStart: days.at(0, 8),
    env: { CAMPAIGN_FEED_START_DATE: days.date(0) },
  });
  browser = await launchBrowser(pageErrors);
  for (const id of Object.values(M)) await rt.enrol(id);
});

afterAll(async () => {
  await browser?.close();
  await rt?.stop();
});

/** A browser page signed in through the CLI's sign-in link (the dev token becomes the session cookie). */
async function signedIn(forWhom: { ops: true } | { member: string }, mobile = false): Promise<Page> {
  const page = await browser.page({ mobile });
  const token = await rt.client.token(forWhom);
  const to = 'ops' in forWhom ? '/api/console/ops' : '/api/console/me';
  await page.goto(
    `${rt.baseUrl}/.auth/login/dev?token=${token}&post_login_redirect_uri=${encodeURIComponent(to)}`,
  );
  return page;
}

/** The funnel as a count over the member entities (each member's ops view: state, at risk, holds, reward). */
async function countOverEntities(): Promise<Omit<FunnelReport, 'deadLetters' | 'enrolledOn'>> {
  const counts: Record<string, number> = {};
  let atRisk = 0;
  let held = 0;
  const rewards = { pending: 0, needsReview: 0 };
  for (const id of Object.values(M)) {
    const view = (await rt.opsMember(id)) as {
      progress: { state: string; atRisk: boolean };
      holds: unknown[];
      decision: { outcome: string } | null;
      reward: { issuance?: { status: string } } | null;
    };
    counts[view.progress.state] = (counts[view.progress.state] ?? 0) + 1;
    if (view.progress.atRisk) atRisk += 1;
    if (view.holds.length > 0) held += 1;
    const status =
      view.reward?.issuance?.status ?? (view.decision?.outcome === 'QUALIFIED' ? 'PENDING' : null);
    if (status === 'PENDING') rewards.pending += 1;
    if (status === 'NEEDS_REVIEW') rewards.needsReview += 1;
  }
  return { members: Object.values(M).length, counts, atRisk, held, rewards };
}

/** The funnel's counts with the states no member is in left out (the API lists every state). */
async function projectedFunnel(): Promise<Omit<FunnelReport, 'deadLetters' | 'enrolledOn'>> {
  const { members, counts, atRisk, held, rewards } = await rt.funnelReport();
  return {
    members,
    counts: Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)),
    atRisk,
    held,
    rewards,
  };
}

async function findMember(page: Page, memberId: string): Promise<void> {
  await page.goto(`${rt.baseUrl}/api/console/ops#/member`);
  const input = page.getByLabel('Member id');
  await input.focus();
  await page.keyboard.type(memberId);
  await page.keyboard.press('Enter');
  await page.getByTestId('state').waitFor();
}

describe('the member view', () => {
  it('shows the confetti once after an instant load, acknowledged through the API, and pending BPAY as pending', async () => {
    // Given an instant Apple Pay load of AUD 1,000 and a BPAY load still pending
    await rt.advanceTo(days.at(0, 10, 30));
    await rt.publish([message(instant, 'SETTLED'), message(bpay, 'PENDING')]);
    await rt.idle();

    // When the member opens the app at phone width
    const page = await signedIn({ member: M.confetti }, true);
    const dialog = page.getByRole('dialog', { name: 'You reached AUD 1,000!' });
    await dialog.waitFor();

    // Then the confetti shows, the pending money is pending and not counted
    expect(await page.locator('canvas.confetti').count()).toBe(1);
    expect(await page.getByTestId('settled').textContent()).toBe('AUD 1,000.00');
    expect(await page.getByTestId('pending').textContent()).toBe('AUD 50.00');
    // days 0 to 30 of the window remain, today included (it closes at 00:00 local on day 31)
    expect(await page.getByTestId('days-left').textContent()).toBe('31');
    await browser.screenshot(page, 'member-confetti');

    // When they acknowledge it (the button has focus: Enter presses it) and reload
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect((await rt.progress(M.confetti)).celebrations).toEqual([]);
    await page.reload();
    await page.getByTestId('status').waitFor();

    // Then it is not shown again
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.getByTestId('pending').textContent()).toBe('AUD 50.00');
    await browser.screenshot(page, 'member-view');
  });

  it('warns a member whose pending withdrawal would disqualify them', async () => {
    await rt.publish([message(smallLoad, 'SETTLED'), message(toBank, 'PENDING')]);
    await rt.idle();
    const page = await signedIn({ member: M.atRisk }, true);
    const warning = page.getByTestId('at-risk');
    await warning.waitFor();
    expect(await warning.getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('settled').textContent()).toBe('AUD 300.00');
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('30');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await browser.screenshot(page, 'member-at-risk');
  });

  it('shows an API refusal with its code and message, never a stack trace', async () => {
    const page = await signedIn({ member: M.confetti });
    const answer = await page.goto(`${rt.baseUrl}/api/console/ops`);
    expect(answer?.status()).toBe(403);
    expect(await page.locator('body').textContent()).toContain('AUTH.FORBIDDEN');
    expect(await page.locator('body').textContent()).not.toMatch(/\n\s+at |Error:/);
  });
});

describe('the ops console', () => {
  it('finds a member held by a bad feed row, shows the row and why, and the hold released by a corrected file', async () => {
    // Given the campaign's feed files through the last grace date, with a bad row for two members
    const timeline = new Timeline(rt, days)
      .publishOn(0, message(heldLoad, 'SETTLED'))
      .publishOn(1, message(redriveLoad, 'SETTLED'))
      .feedOn(0, feedRow(instant, 'SETTLED', days.date(0)), feedRow(heldBad, 'SETTLED', days.date(0)))
      .feedOn(1, feedRow(redriveBad, 'SETTLED', days.date(1)));
    await timeline.through(LAST_GRACE_DAY);
    await rt.advanceTo(days.at(LAST_GRACE_DAY + 1, 3));

    // When ops open the quarantine, filtered to feed rows
    const page = await signedIn({ ops: true });
    await page.goto(`${rt.baseUrl}/api/console/ops#/quarantine?source=FEED`);
    const row = page.getByRole('row').filter({ hasText: M.held });
    await row.waitFor();

    // Then they see the row as received and why it was rejected, with links to the member and the run
    expect(await row.textContent()).toContain('1000.0O');
    expect(await row.getByRole('link', { name: M.held }).count()).toBe(1);
    expect(await row.getByRole('link', { name: new RegExp(days.date(0)) }).count()).toBe(1);
    await browser.screenshot(page, 'ops-quarantine');

    // And filtering by member and reason code shows that member's row only: the API filters, not the page
    await page.goto(
      `${rt.baseUrl}/api/console/ops#/quarantine?source=FEED&member=${M.redrive}&reason=tx.bad_aud_amount`,
    );
    await page.getByRole('row').filter({ hasText: M.redrive }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: M.held }).count()).toBe(0);
    expect(await page.getByText('1 item(s).').count()).toBe(1);
    await page.goto(`${rt.baseUrl}/api/console/ops#/quarantine?source=FEED`);
    await row.waitFor();

    // And the member page shows the hold, the member's quarantined row and no decision
    await row.getByRole('link', { name: M.held }).click();
    await page.getByTestId('state').waitFor();
    expect(await page.getByTestId('state').textContent()).toBe('NEEDS_REVIEW');
    expect(await page.getByTestId('why').textContent()).toMatch(/held: 1 quarantined feed row/);
    expect(await page.getByRole('table', { name: 'Holds' }).textContent()).toContain(days.date(0));
    expect(await page.getByTestId('decision').textContent()).toMatch(/No decision yet/);
    await browser.screenshot(page, 'ops-member-held');

    // And the funnel, from the memberStates projection, counts both held members as the entities do: past
    // evaluation the held state changed with time alone, and the decision check saw it
    expect(await projectedFunnel()).toEqual(await countOverEntities());
    expect((await rt.funnelReport()).held).toBe(2);

    // When the corrected file (version 2 of the date) arrives
    await rt.dropFeed(
      days.date(0),
      [feedRow(instant, 'SETTLED', days.date(0)), feedRow(heldLoad, 'SETTLED', days.date(0))],
      2,
    );
    await rt.idle();
    await rt.advance('2h');

    // Then the member page shows the hold released and the decision
    await findMember(page, M.held);
    expect(await page.getByText('No holds.').count()).toBe(1);
    expect(await page.getByTestId('decision').textContent()).toMatch(/QUALIFIED/);
    expect(await page.getByTestId('confirmed').textContent()).toBe('AUD 1,000.00');
    const timelineTable = page.getByRole('table', { name: /Timeline/ });
    expect(await timelineTable.getByRole('row').filter({ hasText: 'FEED v2' }).textContent()).toMatch(
      /yes.*yes.*yes/,
    );
    await browser.screenshot(page, 'ops-member-released');
  });

  it('re-drives a member after confirmation and shows what it did', async () => {
    // Given a member still held by a bad row nobody will correct
    const page = await signedIn({ ops: true });
    await findMember(page, M.redrive);
    expect(await page.getByTestId('state').textContent()).toBe('NEEDS_REVIEW');

    // When ops re-drive them and confirm
    await page.getByRole('button', { name: 'Re-drive…' }).click();
    const confirm = page.getByRole('alertdialog', { name: `Re-drive ${M.redrive}?` });
    expect(await confirm.textContent()).toMatch(/releases 1 hold/);
    await confirm.getByRole('button', { name: 'Confirm re-drive' }).click();

    // Then the page shows what the re-drive did, and after it the decision without the held row
    const result = page.getByTestId('redrive-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(
      /^Re-drive accepted: orchestration (RUNNING|RESTARTED|STARTED) \(memberCampaign:.*UI-REDRIVE\); 1 hold\(s\) released\.$/,
    );
    await browser.screenshot(page, 'ops-redrive');
    await rt.advance('2h');
    await page.getByRole('button', { name: 'Reload member' }).click();
    await page.getByTestId('state').waitFor();
    expect(await page.getByText('No holds.').count()).toBe(1);
    expect(await page.getByTestId('decision').textContent()).toMatch(/NOT_REACHED/);
    const quarantined = page.getByRole('table', { name: 'Quarantined rows and messages of this member' });
    expect(await quarantined.textContent()).toMatch(/released by re-drive of UI-REDRIVE/);
  });

  it('shows an unknown member as the API answers it: code and message', async () => {
    const page = await signedIn({ ops: true });
    await page.goto(`${rt.baseUrl}/api/console/ops#/member/NOBODY`);
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toBe('MEMBER.NOT_ENROLLED member NOBODY is not enrolled');
  });

  it('shows the feed runs with the watermark and a date report, and the funnel', async () => {
    const page = await signedIn({ ops: true });
    await page.goto(`${rt.baseUrl}/api/console/ops#/feeds`);
    await page.getByTestId('watermark').waitFor();
    expect(await page.getByTestId('watermark').textContent()).toBe(days.date(LAST_GRACE_DAY));
    await browser.screenshot(page, 'ops-feeds');

    await page
      .getByRole('link', { name: days.date(0) })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Version 2: COMPLETED' }).waitFor();
    expect(await page.getByText('The ledger holds version 2.').count()).toBe(1);
    const first = page.getByRole('region', { name: 'version 1' });
    expect(await first.getByRole('heading').first().textContent()).toBe('Version 1: COMPLETED');
    expect(await first.getByRole('table', { name: 'Rejected rows' }).textContent()).toMatch(
      /3TX\.BAD_AUD_AMOUNT/,
    );
    await browser.screenshot(page, 'ops-feed-date');

    await page.getByRole('link', { name: 'Funnel' }).click();
    await page.getByTestId('count-COMPLETE').waitFor();
    const counts = await rt.funnel();
    expect(await page.getByTestId('count-COMPLETE').textContent()).toBe(String(counts['COMPLETE']));
    expect(await page.getByTestId('count-EXPIRED').textContent()).toBe(String(counts['EXPIRED']));
    // the attention counts as the API gives them, and the API's as the entities say
    const report = await rt.funnelReport();
    const shown = async (id: string) => page.getByTestId(id).textContent();
    expect(await shown('at-risk')).toBe(String(report.atRisk));
    expect(await shown('held')).toBe(String(report.held));
    expect(await shown('rewards-pending')).toBe(String(report.rewards.pending));
    expect(await shown('rewards-needs-review')).toBe(String(report.rewards.needsReview));
    expect(await projectedFunnel()).toEqual(await countOverEntities());
    // dead letters: the local runtime's own queue, counted by the app through the Service Bus admin client
    expect(report.deadLetters).toEqual({
      queue: 'card-transactions',
      count: (await rt.deadLetters()).length,
    });
    expect(await shown('dead-letters')).toBe(String((await rt.deadLetters()).length));
    await browser.screenshot(page, 'ops-funnel');

    // by day of enrolment: every member enrolled on day 0, nobody the day after
    for (const [day, members] of [
      [days.date(0), report.members],
      [days.date(1), 0],
    ] as const) {
      await page.getByLabel('Day of enrolment').fill(day);
      await page.getByRole('button', { name: 'Show' }).click();
      await page
        .getByTestId('funnel-scope')
        .filter({ hasText: `${members} member(s) enrolled on` })
        .waitFor();
      const ofDay = await rt.funnelReport(day);
      expect(ofDay).toMatchObject({ enrolledOn: day, members });
      expect(await shown('count-COMPLETE')).toBe(String(ofDay.counts['COMPLETE']));
      expect(await shown('held')).toBe(String(ofDay.held));
    }
  });

  it("exports decisions and rewards whose totals equal the sum of the points system's credits", async () => {
    const page = await signedIn({ ops: true });
    await page.goto(`${rt.baseUrl}/api/console/ops#/export`);
    await page.getByTestId('total-points').waitFor();
    const credits = await rt.credits();
    const creditPoints = credits.reduce((sum, c) => sum + c.points, 0);
    expect(credits.length).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('total-points').textContent()).toBe(String(creditPoints));
    expect(await page.getByTestId('total-credits').textContent()).toBe(`${credits.length} issued`);
    expect(await page.getByTestId('total-decisions').textContent()).toBe('4 decisions');
    await browser.screenshot(page, 'ops-export');

    // the downloaded file: every issued credit id is in it, and its rows add up to its TOTAL row
    const csv = await page.evaluate(() => fetch('/api/ops/export').then((r) => r.text()));
    const rows = csv
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
    const total = rows.at(-1) ?? [];
    const issued = rows.slice(1, -1).filter((r) => r[5] === 'ISSUED');
    expect(issued.map((r) => r[6]).sort()).toEqual(credits.map((c) => c.creditId).sort());
    expect(String(issued.reduce((sum, r) => sum + Number(r[4]), 0))).toBe(total[4]);
    expect(total[4]).toBe(String(creditPoints));
  });

  it('shows the member the confetti again when their points are issued, until acknowledged', async () => {
    const page = await signedIn({ member: M.confetti }, true);
    const dialog = page.getByRole('dialog', { name: 'Your bonus points are here!' });
    await dialog.waitFor();
    expect(await page.getByTestId('status').textContent()).toBe(
      '2,000 bonus points were added to your account.',
    );
    await browser.screenshot(page, 'member-reward-issued');
    await dialog.getByRole('button', { name: 'Got it' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('status').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('raised no script error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
