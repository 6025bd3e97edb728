import type { Locator, Page } from 'playwright-core';
import { formatAud, formatInstant } from '../../web/src/format';
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
// the withdrawal settles on day 1: under ANY_WITHDRAWAL it disqualifies the member
const toBankSettledAt = days.at(1, 9);
// day 0's first file also carries what its reconciliation report counts: a row of someone outside the
// campaign and a purchase (ignored, by reason), the small load at another amount than the real-time
// message said (an amount mismatch) and a load only the feed knows (feed only)
const outsider = tx('NOT-ENROLLED', 1, 'OSKO', '70.00', 0);
const purchase: Tx = { ...tx(M.atRisk, 4, 'APPLE_PAY', '5.00', 0), type: 'PURCHASE' };
const smallLoadAsFed = { ...smallLoad, amount: '299.00' };
const feedOnlyLoad = tx(M.atRisk, 3, 'OSKO', '20.00', 0);
/** The date after the last grace date: its manifest is broken (a string row count). */
const BAD_MANIFEST_DAY = LAST_GRACE_DAY + 1;

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

/** An ops API answer (the same the page reads), through the contract-checked client. */
async function opsGet<T>(path: string): Promise<T> {
  const reply = await rt.client.api('GET', path, { token: await rt.token('ops') });
  if (reply.status !== 200) throw new Error(`${path}: HTTP ${reply.status} ${reply.text}`);
  return reply.body as T;
}

/** The value a definition list (`dl.facts`) shows for `label`. */
function fact(scope: Page | Locator, label: string): Locator {
  return scope
    .locator('dt')
    .filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .locator('xpath=following-sibling::dd[1]');
}

/** The little of the DOM these helpers read in the page (the tests compile without the DOM's types). */
interface Cells {
  querySelectorAll(selector: 'td'): ArrayLike<{ textContent: string | null }>;
}

/** Each body row of a table as its cells' text. */
async function bodyRows(table: Locator): Promise<string[][]> {
  return table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) =>
        Array.from((r as unknown as Cells).querySelectorAll('td'), (td) => (td.textContent ?? '').trim()),
      ),
    );
}

/** How wide the page scrolls (document or body, the wider) against the screen: equal when nothing scrolls sideways. */
async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(
    '({ scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), innerWidth: window.innerWidth })',
  );
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
    // the phone's width holds the view and the confetti over it: nothing scrolls sideways
    expect(await horizontalOverflow(page)).toEqual({ scrollWidth: 390, innerWidth: 390 });
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
      .publishOn(1, message(redriveLoad, 'SETTLED'), message(toBank, 'SETTLED', toBankSettledAt))
      .feedOn(
        0,
        feedRow(instant, 'SETTLED', days.date(0)),
        feedRow(heldBad, 'SETTLED', days.date(0)), // line 3: rejected
        feedRow(outsider, 'SETTLED', days.date(0)),
        feedRow(smallLoadAsFed, 'SETTLED', days.date(0)),
        feedRow(feedOnlyLoad, 'SETTLED', days.date(0)),
        feedRow(purchase, 'SETTLED', days.date(0)),
      )
      .feedOn(
        1,
        feedRow(redriveBad, 'SETTLED', days.date(1)),
        feedRow(toBank, 'SETTLED', days.date(1), toBankSettledAt),
      );
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

    // When the corrected file (version 2 of the date) arrives while the points system answers 503
    await rt.faults({ errorRate: 1, errorStatuses: [503] });
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

    // And the reward shows the retries the points system's 503s cost, the last error and the key
    type Reward = {
      reward: { issuance?: { status: string; attempts: number; lastError?: string; creditId?: string } };
      idempotencyKey: string;
    };
    const failing = (await rt.opsMember(M.held)) as unknown as Reward;
    expect(failing.reward.issuance).toMatchObject({ status: 'PENDING', attempts: 6 });
    expect(failing.reward.issuance?.lastError).toMatch(/503/);
    expect(failing.idempotencyKey).toMatch(new RegExp(`:${M.held}$`));
    expect(await page.getByTestId('reward-status').textContent()).toBe('PENDING');
    expect(await page.getByTestId('reward-attempts').textContent()).toBe('6');
    expect(await page.getByTestId('reward-last-error').textContent()).toBe(
      failing.reward.issuance?.lastError,
    );
    expect(await page.getByTestId('idempotency-key').textContent()).toBe(failing.idempotencyKey);
    await browser.screenshot(page, 'ops-member-reward-failing');

    // When the points system recovers and ops re-drive the member
    await rt.faults({ errorRate: 0 });
    await page.getByRole('button', { name: 'Re-drive…' }).click();
    await page.getByRole('button', { name: 'Confirm re-drive' }).click();
    await page.getByTestId('redrive-result').waitFor();
    await rt.advance('1h');
    await page.getByRole('button', { name: 'Reload member' }).click();
    await page.getByTestId('reward-status').filter({ hasText: 'ISSUED' }).waitFor();

    // Then the points are issued under the same key, with the credit the points system holds
    const issued = (await rt.opsMember(M.held)) as unknown as Reward;
    const credit = (await rt.credits()).find((c) => c.memberId === M.held);
    expect(issued.idempotencyKey).toBe(failing.idempotencyKey);
    expect(issued.reward.issuance?.creditId).toBe(credit?.creditId);
    expect(await page.getByTestId('reward-credit-id').textContent()).toBe(credit?.creditId);
    expect(await page.getByTestId('reward-attempts').textContent()).toBe(
      String(issued.reward.issuance?.attempts),
    );
    expect(await page.getByTestId('reward-last-error').textContent()).toBe(
      issued.reward.issuance?.lastError ?? '–',
    );
    expect(await page.getByTestId('idempotency-key').textContent()).toBe(failing.idempotencyKey);
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
    // the member page lists the newest 20; its link opens the quarantine filtered to the member, resolved too
    await page.getByRole('link', { name: 'every quarantined item of this member' }).click();
    await page.getByRole('table', { name: 'Quarantined items' }).waitFor();
    expect(await page.getByLabel('Member id').inputValue()).toBe('UI-REDRIVE');
    expect(await page.getByLabel('Resolved').inputValue()).toBe('all');
    expect(await page.getByRole('table', { name: 'Quarantined items' }).textContent()).toMatch(
      /released by re-drive of UI-REDRIVE/,
    );
  });

  it('shows an unknown member as the API answers it: code and message', async () => {
    const page = await signedIn({ ops: true });
    await page.goto(`${rt.baseUrl}/api/console/ops#/member/NOBODY`);
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toBe('MEMBER.NOT_ENROLLED member NOBODY is not enrolled');
  });

  it('shows the feed runs with the watermark, what holds it back, each report and a rejected manifest, and the funnel', async () => {
    // Given a manifest for the date after the last grace date that the app cannot read
    const badDate = days.date(BAD_MANIFEST_DAY);
    await rt.dropManifest(badDate, JSON.stringify({ businessDate: badDate, rowCount: '0' }));
    const badRun = (
      await opsGet<{ runs: { status: string; reason: { code: string; detail: string } }[] }>(
        `/api/ops/feeds/${badDate}`,
      )
    ).runs[0];
    expect(badRun).toMatchObject({ status: 'REJECTED', reason: { code: 'MANIFEST.SCHEMA' } });

    // When ops open the feed runs
    const page = await signedIn({ ops: true });
    await page.goto(`${rt.baseUrl}/api/console/ops#/feeds`);
    await page.getByTestId('watermark').waitFor();

    // Then the watermark stands at the last grace date, held back by the rejected run of the next date
    expect(await page.getByTestId('watermark').textContent()).toBe(days.date(LAST_GRACE_DAY));
    expect(await page.getByTestId('held-back-by').textContent()).toBe(
      `${badDate}: v1 REJECTED (MANIFEST.SCHEMA: ${badRun?.reason.detail})`,
    );
    const runs = page.getByRole('table', { name: 'Runs, newest business date first' });
    const [newest] = await bodyRows(runs);
    expect(newest?.slice(0, 4)).toEqual([
      badDate,
      'v1',
      'REJECTED',
      `MANIFEST.SCHEMA: ${badRun?.reason.detail}`,
    ]);
    await browser.screenshot(page, 'ops-feeds');

    // And the rejected manifest's date shows the run REJECTED with its reason and no report
    await page.getByRole('link', { name: badDate }).first().click();
    const rejected = page.getByRole('region', { name: 'version 1' });
    await rejected.getByRole('heading', { name: 'Version 1: REJECTED' }).waitFor();
    expect(await fact(rejected, 'Reason').textContent()).toBe(`MANIFEST.SCHEMA: ${badRun?.reason.detail}`);
    expect(await page.getByText('No completed run: this date holds the watermark back.').count()).toBe(1);
    expect(await rejected.getByText('No report (the file was rejected or superseded whole).').count()).toBe(
      1,
    );
    await browser.screenshot(page, 'ops-feed-rejected-manifest');

    // And the report of day 0's first file: matched, feed only, mismatches, ignored and rejected rows,
    // as the API reports them and as the scenario made them
    type Report = {
      rowsRead: number;
      applied: number;
      matched: number;
      feedOnly: number;
      ignored: Record<string, number>;
      rejected: { count: number; lines: { line: number; code: string; detail: string }[] };
      amountMismatches: { count: number; items: { transactionId: string; memberId: string }[] };
      missingFromFeed: { since: string; count: number; items: { transactionId: string }[] };
    };
    const day0 = await opsGet<{ runs: (Report & { version: number })[] }>(`/api/ops/feeds/${days.date(0)}`);
    const v1 = day0.runs.find((r) => r.version === 1);
    expect(v1).toMatchObject({
      rowsRead: 6,
      applied: 3,
      matched: 2,
      feedOnly: 1,
      ignored: { NON_CAMPAIGN_MEMBER: 1, NON_QUALIFYING_TYPE: 1 },
      rejected: { count: 1, lines: [{ line: 3, code: 'TX.BAD_AUD_AMOUNT' }] },
      amountMismatches: { count: 1, items: [{ transactionId: smallLoad.transactionId, memberId: M.atRisk }] },
    });
    await page.goto(`${rt.baseUrl}/api/console/ops#/feeds/${days.date(0)}`);
    await page.getByRole('heading', { name: 'Version 2: COMPLETED' }).waitFor();
    expect(await page.getByText('The ledger holds version 2.').count()).toBe(1);
    const first = page.getByRole('region', { name: 'version 1' });
    expect(await first.getByRole('heading').first().textContent()).toBe('Version 1: COMPLETED');
    expect(await fact(first, 'Matched real time').textContent()).toBe(String(v1?.matched));
    expect(await fact(first, 'Feed only').textContent()).toBe(String(v1?.feedOnly));
    expect(await fact(first, 'Applied').textContent()).toBe(String(v1?.applied));
    expect(await bodyRows(first.getByRole('table', { name: 'Rejected rows' }))).toEqual(
      (v1?.rejected.lines ?? []).map((l) => [String(l.line), l.code, l.detail]),
    );
    expect(await bodyRows(first.getByRole('table', { name: 'Ignored rows by reason' }))).toEqual(
      Object.entries(v1?.ignored ?? {}).map(([reason, n]) => [reason, String(n)]),
    );
    expect(await bodyRows(first.getByRole('table', { name: 'Amount mismatches' }))).toEqual([
      [smallLoad.transactionId, M.atRisk, formatAud(30_000), formatAud(29_900)],
    ]);
    await browser.screenshot(page, 'ops-feed-date');

    // And the run of day 4 lists the real-time settlements still missing from the feed 3 business days
    // after they became known (the held and the re-driven loads, whose rows were rejected)
    const day4 = (await opsGet<{ runs: Report[] }>(`/api/ops/feeds/${days.date(4)}`)).runs[0];
    expect(day4?.missingFromFeed.since).toBe(days.date(1));
    expect(day4?.missingFromFeed.items.map((i) => i.transactionId).sort()).toEqual(
      [heldLoad.transactionId, redriveLoad.transactionId].sort(),
    );
    await page.goto(`${rt.baseUrl}/api/console/ops#/feeds/${days.date(4)}`);
    const missing = page.getByRole('table', {
      name: `Settled in real time, missing from the feed since ${days.date(1)}`,
    });
    await missing.waitFor();
    expect((await bodyRows(missing)).map((r) => r.slice(0, 2))).toEqual(
      day4?.missingFromFeed.items.map((i) => [i.transactionId, (i as { memberId?: string }).memberId]),
    );

    // And the list pages through every run, older pages reached from the list, as the API pages them
    const all = await rt.allPages<{ businessDate: string; version: number }>('/api/ops/feeds', 'limit=10');
    expect(all.pages).toBe(Math.ceil(all.items.length / 10));
    expect(all.pages).toBeGreaterThanOrEqual(3);
    await page.goto(`${rt.baseUrl}/api/console/ops#/feeds?limit=10`);
    const seen: string[] = [];
    for (let n = 1; ; n += 1) {
      await page
        .getByTestId('runs-range')
        .filter({ hasText: `Page ${n}:` })
        .waitFor();
      const rows = await bodyRows(runs);
      expect(rows.length).toBeLessThanOrEqual(10);
      seen.push(...rows.map((r) => `${r[0]} ${r[1]}`));
      const older = page.getByRole('link', { name: 'Older runs' });
      if ((await older.count()) === 0) break;
      await older.click();
    }
    expect(seen).toEqual(all.items.map((r) => `${r.businessDate} v${r.version}`));
    expect(await page.getByTestId('runs-range').textContent()).toMatch(/\(the oldest\)\.$/);
    await page.getByRole('link', { name: 'Newest runs' }).click();
    await page.getByTestId('runs-range').filter({ hasText: 'Page 1: runs 1–10.' }).waitFor();
    expect((await bodyRows(runs))[0]?.[0]).toBe(badDate);
    await browser.screenshot(page, 'ops-feeds-paged');

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

  it('shows on the member page the totals, the window in local time and the celebrations, as the API records them', async () => {
    const page = await signedIn({ ops: true });
    await findMember(page, M.confetti);
    type Detail = {
      progress: Record<'progressCents' | 'confirmedCents' | 'pendingCents' | 'remainingCents', number>;
      enrolment: { window: { windowClosesAt: string; lastGraceDate: string; evaluationAt: string } };
      celebrations: Record<string, { raisedAt: string | null; acknowledgedAt: string | null; epoch: number }>;
    };
    const m = (await rt.opsMember(M.confetti)) as unknown as Detail;

    // the totals: AUD 1,000 settled and confirmed, the BPAY load still pending, nothing remaining
    expect(m.progress).toMatchObject({
      progressCents: 100_000,
      confirmedCents: 100_000,
      pendingCents: 5_000,
      remainingCents: 0,
    });
    for (const [id, cents] of [
      ['progress', m.progress.progressCents],
      ['confirmed', m.progress.confirmedCents],
      ['pending', m.progress.pendingCents],
      ['remaining', m.progress.remainingCents],
    ] as const)
      expect(await page.getByTestId(id).textContent()).toBe(formatAud(cents));
    expect(await page.getByTestId('pending').textContent()).toBe('AUD 50.00');
    expect(await page.getByTestId('remaining').textContent()).toBe('AUD 0.00');

    // the window: closes at 00:00 local on day 31, last grace date day 35, evaluation 00:00 on day 36
    const w = m.enrolment.window;
    expect(Date.parse(w.windowClosesAt)).toBe(Date.parse(days.at(31, 0)));
    expect(w.lastGraceDate).toBe(days.date(LAST_GRACE_DAY));
    expect(Date.parse(w.evaluationAt)).toBe(Date.parse(days.at(LAST_GRACE_DAY + 1, 0)));
    expect(await page.getByRole('heading', { name: 'Window (times in Australia/Sydney)' }).count()).toBe(1);
    expect(await page.getByTestId('enrolled').textContent()).toMatch(
      /^Thu,? 26 Nov 2026, 08:00 AEDT \(Australia\/Sydney\)$/,
    );
    expect(await page.getByTestId('window-closes').textContent()).toMatch(
      /^Sun,? 27 Dec 2026, 00:00 AEDT \(Australia\/Sydney\)$/,
    );
    expect(await page.getByTestId('last-grace-date').textContent()).toMatch(
      /^Thu,? 31 Dec 2026 \(Australia\/Sydney\)$/,
    );
    expect(await page.getByTestId('evaluation').textContent()).toMatch(
      /^Fri,? 1 Jan 2027, 00:00 AEDT \(Australia\/Sydney\)$/,
    );

    // the celebrations: both raised and acknowledged by the member (the tests above), each once
    for (const kind of ['TARGET_REACHED', 'REWARD_ISSUED']) {
      expect(m.celebrations[kind]?.raisedAt).toEqual(expect.any(String));
      expect(m.celebrations[kind]?.acknowledgedAt).toEqual(expect.any(String));
    }
    expect(await bodyRows(page.getByRole('table', { name: 'Celebrations' }))).toEqual(
      ['TARGET_REACHED', 'REWARD_ISSUED'].map((kind) => {
        const c = m.celebrations[kind] ?? { raisedAt: null, acknowledgedAt: null, epoch: 0 };
        return [
          kind,
          formatInstant(c.raisedAt ?? '', 'Australia/Sydney'),
          formatInstant(c.acknowledgedAt ?? '', 'Australia/Sydney'),
          String(c.epoch),
        ];
      }),
    );
    await browser.screenshot(page, 'ops-member-complete');
  });

  it('shows the withdrawals with their effect under the policy, and the decision they made', async () => {
    const page = await signedIn({ ops: true });
    await findMember(page, M.atRisk);
    type Detail = {
      enrolment: { config: { withdrawalPolicy: string } };
      timeline: {
        observation: {
          transactionId: string;
          type: string;
          method: string;
          status: string;
          audCents: number;
        };
        why: string;
      }[];
      decision: { outcome: string } | null;
    };
    const m = (await rt.opsMember(M.atRisk)) as unknown as Detail;
    const withdrawals = m.timeline.filter((t) => t.observation.type === 'WITHDRAWAL');
    expect(m.enrolment.config.withdrawalPolicy).toBe('ANY_WITHDRAWAL');
    // the settled bank withdrawal disqualified the member, as ANY_WITHDRAWAL says
    expect(m.decision?.outcome).toBe('DISQUALIFIED');
    expect(withdrawals.map((t) => t.why)).toContain('settled withdrawal: disqualifies (ANY_WITHDRAWAL)');

    const table = page.getByRole('table', { name: 'Withdrawals (policy ANY_WITHDRAWAL)' });
    expect(await bodyRows(table)).toEqual(
      withdrawals.map((t) => [
        t.observation.transactionId,
        t.observation.method,
        t.observation.status,
        formatAud(t.observation.audCents),
        t.why,
      ]),
    );
    expect(await page.getByTestId('state').textContent()).toBe('DISQUALIFIED');
    const decision = page.getByRole('region', { name: 'Decision' });
    expect(await decision.getByTestId('decision').textContent()).toMatch(/^DISQUALIFIED on /);
    expect(await decision.getByRole('listitem').allTextContents()).toContain(
      `withdrawal ${toBank.transactionId}: settled withdrawal: disqualifies (ANY_WITHDRAWAL)`,
    );
    await browser.screenshot(page, 'ops-member-withdrawal');
  });

  it('fits a phone screen (390 px): neither the member view nor the ops member page scrolls sideways', async () => {
    const member = await signedIn({ member: M.atRisk }, true);
    await member.getByTestId('status').waitFor();
    expect(await horizontalOverflow(member)).toEqual({ scrollWidth: 390, innerWidth: 390 });

    // the ops member page with the most on it: the timeline, quarantined rows, holds, reward
    const ops = await signedIn({ ops: true }, true);
    await findMember(ops, M.redrive);
    expect(await horizontalOverflow(ops)).toEqual({ scrollWidth: 390, innerWidth: 390 });
    // the timeline is wider than the screen: it scrolls inside its own box, which the keyboard reaches
    const box = ops.getByRole('group', { name: 'Timeline: every observation, both streams' });
    const { scrollWidth, clientWidth, tabIndex } = await box.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      tabIndex: (el as unknown as { tabIndex: number }).tabIndex,
    }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    expect(clientWidth).toBeLessThanOrEqual(390);
    expect(tabIndex).toBe(0);
    await browser.screenshot(ops, 'ops-member-phone');
    // and the other ops pages, each once its content is shown
    for (const [hash, shown] of [
      ['#/quarantine?resolved=all', ops.getByRole('table', { name: 'Quarantined items' })],
      ['#/feeds', ops.getByTestId('held-back-by')],
      ['#/funnel', ops.getByTestId('funnel-scope')],
      ['#/export', ops.getByTestId('total-points')],
    ] as const) {
      await ops.goto(`${rt.baseUrl}/api/console/ops${hash}`);
      await shown.waitFor();
      expect([hash, await horizontalOverflow(ops)]).toEqual([hash, { scrollWidth: 390, innerWidth: 390 }]);
    }
  });

  it('shows the loading indicator while a request is in flight, then the content or the error in its place', async () => {
    // Given the member's answer held back in the browser until the test lets it through
    const page = await signedIn({ ops: true });
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      (url) => url.pathname === `/api/ops/members/${M.held}`,
      async (route) => {
        await held;
        await route.continue();
      },
    );

    // When ops open the member, the page says it is loading (and the region is busy), nothing else
    await page.goto(`${rt.baseUrl}/api/console/ops#/member/${M.held}`);
    const loading = page.getByRole('status').filter({ hasText: `Loading member ${M.held}…` });
    await loading.waitFor();
    const region = page.locator('#member-region');
    expect(await region.getAttribute('aria-busy')).toBe('true');
    expect(await page.getByTestId('state').count()).toBe(0);

    // Then, once the answer arrives, the member replaces the indicator
    release();
    await page.getByTestId('state').waitFor();
    expect(await loading.count()).toBe(0);
    expect(await region.getAttribute('aria-busy')).toBeNull();

    // And an answer that is an error replaces it with the API's code and message
    let fail = (): void => undefined;
    const failing = new Promise<void>((resolve) => (fail = resolve));
    await page.route(
      (url) => url.pathname === '/api/ops/feeds',
      async (route) => {
        await failing;
        await route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'about:blank',
            title: 'Service Unavailable',
            status: 503,
            code: 'DEPENDENCY.UNAVAILABLE',
            detail: 'the feed run store did not answer; retry',
          }),
        });
      },
    );
    await page.goto(`${rt.baseUrl}/api/console/ops#/feeds`);
    const loadingRuns = page.getByRole('status').filter({ hasText: 'Loading feed runs…' });
    await loadingRuns.waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    fail();
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toBe('DEPENDENCY.UNAVAILABLE the feed run store did not answer; retry');
    expect(await loadingRuns.count()).toBe(0);

    // And the member view does the same with its one request
    const member = await signedIn({ member: M.atRisk }, true);
    let answer = (): void => undefined;
    const progress = new Promise<void>((resolve) => (answer = resolve));
    await member.route(
      (url) => url.pathname === '/api/me/progress',
      async (route) => {
        await progress;
        await route.continue();
      },
    );
    await member.reload();
    const loadingProgress = member.getByRole('status').filter({ hasText: 'Loading your progress…' });
    await loadingProgress.waitFor();
    expect(await member.getByTestId('settled').count()).toBe(0);
    answer();
    await member.getByTestId('settled').waitFor();
    expect(await loadingProgress.count()).toBe(0);
  });

  it('raised no script error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
