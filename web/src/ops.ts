// The ops console: one page per question ops answer every day, each reading the existing ops API.
// Routes live in the hash (#/member/M-1, #/quarantine?source=FEED, #/feeds/2026-11-26, #/funnel,
// #/export), so links can be shared and the back button works.
import { ApiError, getJson, getText, postJson, type Totals } from './api';
import { empty, errorBox, facts, h, render, show, table } from './dom';
import { formatAud, formatInstant, formatLocalDate, formatPoints } from './format';
import { parseCsv } from './csv';

/** The campaign's zone, named by the page the app serves (a member's own snapshot wins on their page). */
const DEFAULT_ZONE = document.body.dataset['timeZone'] || 'UTC';
const app = document.getElementById('app') as HTMLElement;

// ---- API shapes (openapi.yaml) ------------------------------------------------------------------------

interface Observation {
  transactionId: string;
  type: string;
  method: string;
  status: string;
  amount: string;
  currency: string;
  audCents: number;
  initiatedAt: string;
  settledAt?: string;
  source: 'REALTIME' | 'FEED';
  knownOn: string;
  feedVersion?: number;
}
interface TimelineEntry {
  observation: Observation;
  won: boolean;
  inWindow: boolean;
  counted: boolean;
  verdict: string;
  why: string;
}
interface QuarantineItem {
  id: string;
  source: string;
  reason: string;
  detail: string;
  memberId?: string;
  transactionId?: string;
  businessDate?: string;
  line?: number;
  raw: unknown;
  receivedAt: string;
  resolvedAt?: string;
  resolution?: string;
}
interface Celebration {
  raisedAt: string | null;
  acknowledgedAt: string | null;
  epoch: number;
}
interface MemberDetail {
  memberId: string;
  enrolment: {
    enrolledAt: string;
    config: { timeZone?: string; withdrawalPolicy?: string; targetAudCents?: number; rewardPoints?: number };
    window: { windowClosesAt: string; lastGraceDate: string; evaluationAt: string };
  };
  progress: Totals & {
    state: string;
    asOf: string;
  };
  timeline: TimelineEntry[];
  holds: { ref: string; businessDate: string; version: number; reason: string }[];
  contradictions: { transactionId: string; detail: string }[];
  celebrations: Record<'TARGET_REACHED' | 'REWARD_ISSUED', Celebration>;
  decision: { outcome: string; decidedAt: string; confirmedCents: number; watermark: string } | null;
  reward: {
    decision: string;
    points?: number;
    issuance?: {
      status: string;
      attempts: number;
      updatedAt: string;
      outcome?: string;
      creditId?: string;
      refusalCode?: string;
      lastError?: string;
    };
  } | null;
  idempotencyKey: string;
  quarantined: QuarantineItem[];
  orchestration: { instanceId: string; runtimeStatus: string; customStatus: unknown } | null;
}
interface FeedRun {
  businessDate: string;
  version: number;
  status: string;
  reason?: { code: string; detail: string };
  file: string;
  rowCount?: number;
  rowsRead?: number;
  campaignRows?: number;
  applied?: number;
  duplicateRows?: number;
  duplicateDrops?: number;
  ignored?: Record<string, number>;
  rejected?: { count: number; lines?: { line: number; code: string; detail: string }[] };
  matched?: number;
  feedOnly?: number;
  amountMismatches?: {
    count: number;
    items?: { transactionId: string; memberId: string; realtimeAudCents: number; feedAudCents: number }[];
  };
  missingFromFeed?: {
    since: string;
    count: number;
    items?: { transactionId: string; memberId: string; realtimeSettledOn: string }[];
  };
  startedAt: string;
  completedAt: string | null;
}

// ---- small helpers ------------------------------------------------------------------------------------

const link = (href: string, text: string): HTMLAnchorElement => h('a', { href }, text);
const memberLink = (id: string | undefined) => (id ? link(`#/member/${encodeURIComponent(id)}`, id) : '–');
const yesNo = (value: boolean, yes = 'yes', no = 'no') =>
  h('span', { class: value ? 'ok' : 'no' }, value ? yes : no);
const at = (iso: string | null | undefined, zone: string) => (iso ? formatInstant(iso, zone) : '–');
/** A value a test (or a person's script) can find: `data-testid`. */
const tagged = (id: string, text: string) => h('span', { 'data-testid': id }, text);
const seconds = (from: string, to: string | null) =>
  to ? `${Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000))} s` : 'running';
/** A quarantined message body or feed line as received (a feed row's `raw` is `{ file, line, text }`). */
function rawText(raw: unknown): HTMLElement {
  const row = raw as { file?: unknown; text?: unknown } | null;
  if (row && typeof row === 'object' && typeof row.text === 'string')
    return h('pre', { class: 'raw' }, typeof row.file === 'string' ? `${row.file}:\n${row.text}` : row.text);
  return h('pre', { class: 'raw' }, typeof raw === 'string' ? raw : JSON.stringify(raw, null, 1));
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function query(): URLSearchParams {
  const hash = location.hash.replace(/^#/, '');
  return new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
}

// ---- member page --------------------------------------------------------------------------------------

function memberSearch(current = ''): HTMLElement {
  const input = h('input', {
    id: 'member-id',
    name: 'memberId',
    value: current,
    required: true,
    autocomplete: 'off',
  });
  const form = h(
    'form',
    { class: 'search', role: 'search' },
    h('label', { for: 'member-id' }, 'Member id', input),
    h('button', { type: 'submit', class: 'primary' }, 'Find member'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = input.value.trim();
    if (id) location.hash = `#/member/${encodeURIComponent(id)}`;
  });
  return form;
}

/** State and why: the recorded decision, else what the member's orchestration says it waits for. */
function why(m: MemberDetail, zone: string): string {
  const status = (m.orchestration?.customStatus ?? {}) as {
    phase?: string;
    reason?: string;
    detail?: string;
  };
  if (m.decision)
    return `decided ${m.decision.outcome} on ${formatInstant(m.decision.decidedAt, zone)} at watermark ${m.decision.watermark}`;
  if (m.holds.length > 0 && m.progress.state === 'NEEDS_REVIEW')
    return `held: ${m.holds.length} quarantined feed row(s) dated on or before the last grace date hold the decision`;
  if (status.phase)
    return `${status.phase}${status.reason ? ` (${status.reason})` : ''}${status.detail ? `: ${status.detail}` : ''}`;
  return m.orchestration ? `orchestration ${m.orchestration.runtimeStatus}` : 'no orchestration yet';
}

function decisionCard(m: MemberDetail, zone: string): HTMLElement {
  const target = m.enrolment.config.targetAudCents ?? m.progress.targetCents;
  if (!m.decision)
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'decision-h' },
      h('h2', { id: 'decision-h' }, 'Decision'),
      h('p', { 'data-testid': 'decision' }, `No decision yet: ${why(m, zone)}`),
    );
  const d = m.decision;
  const reasons = [
    `confirmed ${formatAud(d.confirmedCents)} against a target of ${formatAud(target)} (${d.confirmedCents >= target ? 'reached' : 'not reached'})`,
    `made at settlement watermark ${d.watermark}, on or after the last grace date ${m.enrolment.window.lastGraceDate}`,
    ...m.timeline
      .filter((t) => t.verdict === 'WITHDRAWAL_COUNTED' || t.verdict === 'WITHDRAWAL_PENDING')
      .map((t) => `withdrawal ${t.observation.transactionId}: ${t.why}`),
  ];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'decision-h' },
    h('h2', { id: 'decision-h' }, 'Decision'),
    h(
      'p',
      { 'data-testid': 'decision' },
      h('span', { class: 'badge state' }, d.outcome),
      ` on ${formatInstant(d.decidedAt, zone)}`,
    ),
    h('ul', {}, ...reasons.map((r) => h('li', {}, r))),
  );
}

function rewardCard(m: MemberDetail, zone: string): HTMLElement {
  const r = m.reward;
  const i = r?.issuance;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'reward-h' },
    h('h2', { id: 'reward-h' }, 'Reward'),
    r
      ? facts([
          ['Decision', r.decision],
          ['Points', r.points === undefined ? '–' : formatPoints(r.points)],
          ['Issuance', h('span', { 'data-testid': 'reward-status' }, i?.status ?? 'not started')],
          ['Attempts', tagged('reward-attempts', String(i?.attempts ?? 0))],
          ['Last answer', i?.outcome ?? '–'],
          ['Last error', tagged('reward-last-error', i?.lastError ?? i?.refusalCode ?? '–')],
          ['Credit id', tagged('reward-credit-id', i?.creditId ?? '–')],
          ['Updated', at(i?.updatedAt, zone)],
          ['Idempotency key', h('code', { 'data-testid': 'idempotency-key' }, m.idempotencyKey)],
        ])
      : h(
          'p',
          {},
          `No reward record yet (idempotency key `,
          h('code', { 'data-testid': 'idempotency-key' }, m.idempotencyKey),
          ').',
        ),
  );
}

function timelineTable(m: MemberDetail, zone: string): HTMLElement {
  return table(
    'Timeline: every observation, both streams',
    [
      'Known on',
      'Source',
      'Transaction',
      'Type',
      'Method',
      'Status',
      'Amount',
      'Initiated',
      'Won merge',
      'In window',
      'Counted',
      'Why',
    ],
    m.timeline.map((t) => {
      const o = t.observation;
      return [
        o.knownOn,
        o.source === 'FEED' ? `FEED v${o.feedVersion ?? 1}` : 'REALTIME',
        o.transactionId,
        o.type,
        o.method,
        o.status,
        `${formatAud(o.audCents)}${o.currency === 'AUD' ? '' : ` (${o.amount} ${o.currency})`}`,
        formatInstant(o.initiatedAt, zone),
        yesNo(t.won),
        yesNo(t.inWindow),
        yesNo(t.counted),
        t.why,
      ];
    }),
    'No observation of this member yet.',
  );
}

function quarantineRows(items: QuarantineItem[], zone: string): HTMLElement[][] {
  return items.map((q) =>
    [
      formatInstant(q.receivedAt, zone),
      q.source,
      h('code', {}, q.reason),
      q.detail,
      memberLink(q.memberId),
      q.businessDate
        ? link(`#/feeds/${q.businessDate}`, `${q.businessDate}${q.line ? ` line ${q.line}` : ''}`)
        : '–',
      rawText(q.raw),
      q.resolvedAt ? `${formatInstant(q.resolvedAt, zone)}: ${q.resolution ?? ''}` : 'unresolved',
    ].map((c) => (typeof c === 'string' ? h('span', {}, c) : c)),
  );
}
const QUARANTINE_HEADERS = [
  'Received',
  'Source',
  'Reason',
  'Detail',
  'Member',
  'Feed run',
  'Raw',
  'Resolved',
];

function redrive(m: MemberDetail, zone: string): HTMLElement {
  const result = h('div', { 'aria-live': 'polite' });
  const start = h('button', { type: 'button', class: 'danger' }, 'Re-drive…');
  const box = h(
    'section',
    { class: 'card', 'aria-labelledby': 'redrive-h' },
    h('h2', { id: 'redrive-h' }, 'Re-drive'),
    start,
    result,
  );
  start.addEventListener('click', () => {
    const confirm = h('button', { type: 'button', class: 'danger' }, 'Confirm re-drive');
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const dialog = h(
      'div',
      {
        role: 'alertdialog',
        'aria-labelledby': 'redrive-q',
        'aria-describedby': 'redrive-d',
        class: 'warning',
      },
      h('p', { id: 'redrive-q' }, h('strong', {}, `Re-drive ${m.memberId}?`)),
      h(
        'p',
        { id: 'redrive-d' },
        `This releases ${m.holds.length} hold(s), resolves their quarantined rows, and restarts the member's campaign if it is not running. It never changes a recorded decision and never bypasses the settlement watermark.`,
      ),
      confirm,
      ' ',
      cancel,
    );
    show(result, dialog);
    confirm.focus();
    cancel.addEventListener('click', () => {
      show(result);
      start.focus();
    });
    confirm.addEventListener('click', () => {
      confirm.setAttribute('disabled', '');
      postJson<{ action: string; instanceId: string }>(
        `/api/ops/members/${encodeURIComponent(m.memberId)}/redrive`,
      )
        .then((done) => {
          const refreshed = h('div', {});
          show(
            result,
            h(
              'div',
              { class: 'result', role: 'status', 'data-testid': 'redrive-result' },
              `Re-drive accepted: orchestration ${done.action} (${done.instanceId}); ${m.holds.length} hold(s) released.`,
            ),
            refreshed,
          );
          const reload = h('button', { type: 'button' }, 'Reload member');
          reload.addEventListener('click', () => void memberPage(m.memberId));
          show(refreshed, reload);
          reload.focus();
        })
        .catch((error: unknown) => show(result, errorBox(error)));
    });
  });
  void zone;
  return box;
}

function memberView(m: MemberDetail): HTMLElement[] {
  const zone = m.enrolment.config.timeZone ?? DEFAULT_ZONE;
  const p = m.progress;
  const w = m.enrolment.window;
  const policy = m.enrolment.config.withdrawalPolicy ?? 'ANY_WITHDRAWAL';
  const withdrawals = m.timeline.filter((t) => t.observation.type === 'WITHDRAWAL');
  const celebrations = (['TARGET_REACHED', 'REWARD_ISSUED'] as const).map((kind) => {
    const c = m.celebrations[kind];
    return [kind, at(c.raisedAt, zone), at(c.acknowledgedAt, zone), String(c.epoch)];
  });
  return [
    h(
      'h1',
      {},
      `Member ${m.memberId} `,
      h('span', { class: 'badge state', 'data-testid': 'state' }, p.state),
    ),
    h('p', { 'data-testid': 'why' }, `Why: ${why(m, zone)}`),
    p.atRisk
      ? h(
          'p',
          { class: 'warning', role: 'alert' },
          'At risk: a pending withdrawal would disqualify this member.',
        )
      : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'totals-h' },
      h('h2', { id: 'totals-h' }, 'Totals'),
      facts([
        ['Progress (settled)', tagged('progress', formatAud(p.progressCents))],
        ['Confirmed by the feed', tagged('confirmed', formatAud(p.confirmedCents))],
        ['Pending', tagged('pending', formatAud(p.pendingCents))],
        ['Remaining', tagged('remaining', formatAud(p.remainingCents))],
        ['Target', tagged('target', formatAud(p.targetCents))],
        ['As of', formatInstant(p.asOf, zone)],
      ]),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'window-h' },
      h('h2', { id: 'window-h' }, `Window (times in ${zone})`),
      facts([
        ['Enrolled', tagged('enrolled', formatInstant(m.enrolment.enrolledAt, zone))],
        ['Window closes', tagged('window-closes', formatInstant(w.windowClosesAt, zone))],
        ['Last grace date', tagged('last-grace-date', `${formatLocalDate(w.lastGraceDate)} (${zone})`)],
        ['Evaluation', tagged('evaluation', formatInstant(w.evaluationAt, zone))],
        [
          'Orchestration',
          m.orchestration ? `${m.orchestration.runtimeStatus} (${m.orchestration.instanceId})` : 'none',
        ],
      ]),
    ),
    decisionCard(m, zone),
    rewardCard(m, zone),
    timelineTable(m, zone),
    table(
      `Withdrawals (policy ${policy})`,
      ['Transaction', 'Method', 'Status', 'Amount', 'Effect'],
      withdrawals.map((t) => [
        t.observation.transactionId,
        t.observation.method,
        t.observation.status,
        formatAud(t.observation.audCents),
        t.why,
      ]),
      'No withdrawals.',
    ),
    table('Celebrations', ['Kind', 'Raised', 'Acknowledged', 'Times raised'], celebrations, 'None.'),
    table(
      'Holds',
      ['Quarantine item', 'Business date', 'Version', 'Reason'],
      m.holds.map((x) => [
        h('code', {}, x.ref),
        link(`#/feeds/${x.businessDate}`, x.businessDate),
        String(x.version),
        x.reason,
      ]),
      'No holds.',
    ),
    table(
      'Quarantined rows and messages of this member',
      QUARANTINE_HEADERS,
      quarantineRows(m.quarantined, zone),
      'Nothing quarantined.',
    ),
    // the API lists the newest 20; the quarantine page pages through all of them
    h(
      'p',
      {},
      'The newest 20 are shown here: ',
      link(
        `#/quarantine?member=${encodeURIComponent(m.memberId)}&resolved=all`,
        'every quarantined item of this member',
      ),
      '.',
    ),
    table(
      'Contradictions',
      ['Transaction', 'Detail'],
      m.contradictions.map((c) => [c.transactionId, c.detail]),
      'None.',
    ),
    redrive(m, zone),
  ].filter((x): x is HTMLElement => x !== null);
}

async function memberPage(memberId: string): Promise<void> {
  const region = h('div', { id: 'member-region' });
  show(app, h('h1', { class: 'page-title' }, 'Member'), memberSearch(memberId), region);
  if (!memberId) return show(region, empty('Enter a member id to see their campaign.'));
  await render(
    region,
    `member ${memberId}`,
    () => getJson<MemberDetail>(`/api/ops/members/${encodeURIComponent(memberId)}`),
    memberView,
  );
}

// ---- quarantine ---------------------------------------------------------------------------------------

const QUARANTINE_PAGES = 5;

async function quarantinePage(): Promise<void> {
  const q = query();
  const source = q.get('source') ?? '';
  const reason = q.get('reason') ?? '';
  const member = q.get('member') ?? '';
  const resolved = q.get('resolved') ?? 'unresolved';
  const select = (id: string, label: string, value: string, options: [string, string][]) =>
    h(
      'label',
      { for: id },
      label,
      h(
        'select',
        { id, name: id },
        ...options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)),
      ),
    );
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Quarantine filters' },
    select('source', 'Source', source, [
      ['', 'any'],
      ['REALTIME', 'real-time'],
      ['FEED', 'feed'],
    ]),
    h(
      'label',
      { for: 'reason' },
      'Reason code',
      h('input', { id: 'reason', name: 'reason', value: reason, placeholder: 'e.g. TX.BAD_AMOUNT' }),
    ),
    h('label', { for: 'member' }, 'Member id', h('input', { id: 'member', name: 'member', value: member })),
    select('resolved', 'Resolved', resolved, [
      ['unresolved', 'unresolved'],
      ['resolved', 'resolved'],
      ['all', 'all'],
    ]),
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const [k, v] of data.entries()) if (typeof v === 'string' && v.trim()) next.set(k, v.trim());
    location.hash = `#/quarantine?${next.toString()}`;
  });
  const region = h('div', {});
  show(app, h('h1', {}, 'Quarantine'), form, region);
  await render(
    region,
    'the quarantine',
    async () => {
      const items: QuarantineItem[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        // every filter is the API's, so it reaches every matching item, not only the newest pages
        const params = new URLSearchParams({
          limit: '100',
          unresolvedOnly: resolved === 'unresolved' ? 'true' : 'false',
        });
        if (resolved === 'resolved') params.set('resolvedOnly', 'true');
        if (source) params.set('source', source);
        if (reason) params.set('reason', reason.toUpperCase());
        if (member) params.set('memberId', member);
        if (token) params.set('continuationToken', token);
        const page = await getJson<{ items: QuarantineItem[]; continuationToken?: string }>(
          `/api/ops/quarantine?${params.toString()}`,
        );
        items.push(...page.items);
        token = page.continuationToken;
        pages += 1;
      } while (token && pages < QUARANTINE_PAGES);
      return { items, more: Boolean(token) };
    },
    ({ items, more }) => [
      h(
        'p',
        {},
        `${items.length} item(s)${more ? `: the first ${items.length}; narrow the filters to see the others` : ''}.`,
      ),
      table(
        'Quarantined items',
        QUARANTINE_HEADERS,
        quarantineRows(items, DEFAULT_ZONE),
        'Nothing matches these filters.',
      ),
    ],
  );
}

// ---- feed runs ----------------------------------------------------------------------------------------

function runRow(r: FeedRun, zone: string) {
  return [
    link(`#/feeds/${r.businessDate}`, r.businessDate),
    `v${r.version}`,
    h('span', { class: r.status === 'REJECTED' ? 'no' : r.status === 'COMPLETED' ? 'ok' : '' }, r.status),
    r.reason ? `${r.reason.code}: ${r.reason.detail}` : '–',
    String(r.rowsRead ?? r.rowCount ?? '–'),
    String(r.applied ?? '–'),
    String(r.rejected?.count ?? '–'),
    String(Object.values(r.ignored ?? {}).reduce((a, b) => a + b, 0)),
    String(r.matched ?? '–'),
    String(r.feedOnly ?? '–'),
    String(r.amountMismatches?.count ?? '–'),
    String(r.missingFromFeed?.count ?? '–'),
    formatInstant(r.startedAt, zone),
    seconds(r.startedAt, r.completedAt),
  ];
}
const RUN_HEADERS = [
  'Business date',
  'Version',
  'Status',
  'Reason',
  'Rows',
  'Applied',
  'Rejected',
  'Ignored',
  'Matched',
  'Feed only',
  'Amount mismatches',
  'Missing from feed',
  'Started',
  'Took',
];

/** Runs per page of the list (`#/feeds?limit=N` changes it, 1 to 500 as the API allows). */
const FEED_PAGE_SIZE = 50;

interface RunsPage {
  watermark: string | null;
  items: FeedRun[];
  continuationToken?: string;
}

/**
 * What holds the watermark back: the business date after it, with its runs (read by date, so the answer
 * does not depend on which page of the list is shown), or that it has no file yet.
 */
async function heldBackBy(watermark: string | null): Promise<string> {
  if (!watermark) return 'no business date has a completed run yet';
  const blocking = nextDate(watermark);
  try {
    const d = await getJson<{ runs: FeedRun[] }>(`/api/ops/feeds/${blocking}`);
    return `${blocking}: ${d.runs.map((r) => `v${r.version} ${r.status}${r.reason ? ` (${r.reason.code}: ${r.reason.detail})` : ''}`).join(', ')}`;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'FEED.NOT_FOUND') return `${blocking} has no file yet`;
    throw error;
  }
}

/**
 * The runs list, one API page at a time: `#/feeds?limit=50&page=2&after=<token>`. "Older runs" follows
 * the API's continuationToken; the browser's back button returns to the newer page.
 */
async function feedsPage(): Promise<void> {
  const q = query();
  const asked = Number(q.get('limit') ?? FEED_PAGE_SIZE);
  const limit = Number.isInteger(asked) && asked >= 1 && asked <= 500 ? asked : FEED_PAGE_SIZE;
  const after = q.get('after') ?? '';
  const number = Math.max(1, Number(q.get('page') ?? 1) || 1);
  const region = h('div', {});
  show(app, h('h1', {}, 'Feed runs'), region);
  await render(
    region,
    'feed runs',
    async () => {
      const params = new URLSearchParams({ limit: String(limit) });
      if (after) params.set('continuationToken', after);
      const page = await getJson<RunsPage>(`/api/ops/feeds?${params.toString()}`);
      return { page, holdBack: await heldBackBy(page.watermark) };
    },
    ({ page, holdBack }) => {
      const first = (number - 1) * limit + 1;
      const older = page.continuationToken
        ? `#/feeds?${new URLSearchParams({ limit: String(limit), page: String(number + 1), after: page.continuationToken }).toString()}`
        : undefined;
      return [
        facts([
          ['Settlement watermark', tagged('watermark', page.watermark ?? 'none')],
          ['Held back by', tagged('held-back-by', holdBack)],
        ]),
        table(
          'Runs, newest business date first',
          RUN_HEADERS,
          page.items.map((r) => runRow(r, DEFAULT_ZONE)),
          'No feed run yet.',
        ),
        h(
          'nav',
          { class: 'pager', 'aria-label': 'Runs pages' },
          h(
            'span',
            { 'data-testid': 'runs-range' },
            page.items.length === 0
              ? `Page ${number}: no runs.`
              : `Page ${number}: runs ${first}–${first + page.items.length - 1}${older ? '' : ' (the oldest)'}.`,
          ),
          number > 1 ? link(`#/feeds?limit=${limit}`, 'Newest runs') : null,
          older ? link(older, 'Older runs') : null,
        ),
      ];
    },
  );
}

function runReport(r: FeedRun, zone: string): HTMLElement {
  const ignored = Object.entries(r.ignored ?? {});
  return h(
    'section',
    { class: 'card', 'aria-label': `version ${r.version}` },
    h('h2', {}, `Version ${r.version}: ${r.status}`),
    facts([
      ['File', h('code', {}, r.file)],
      ['Reason', r.reason ? `${r.reason.code}: ${r.reason.detail}` : '–'],
      [
        'Rows (manifest / read / campaign)',
        `${r.rowCount ?? '–'} / ${r.rowsRead ?? '–'} / ${r.campaignRows ?? '–'}`,
      ],
      ['Applied', String(r.applied ?? '–')],
      ['Duplicate rows / re-drops', `${r.duplicateRows ?? '–'} / ${r.duplicateDrops ?? 0}`],
      ['Matched real time', String(r.matched ?? '–')],
      ['Feed only', String(r.feedOnly ?? '–')],
      ['Started', formatInstant(r.startedAt, zone)],
      [
        'Completed',
        r.completedAt
          ? `${formatInstant(r.completedAt, zone)} (${seconds(r.startedAt, r.completedAt)})`
          : 'not yet',
      ],
    ]),
    table(
      'Ignored rows by reason',
      ['Reason', 'Rows'],
      ignored.map(([k, v]) => [k, String(v)]),
      'No row ignored.',
    ),
    table(
      'Rejected rows',
      ['Line', 'Reason', 'Detail'],
      (r.rejected?.lines ?? []).map((l) => [String(l.line), h('code', {}, l.code), l.detail]),
      r.rejected ? 'No row rejected.' : 'No report (the file was rejected or superseded whole).',
    ),
    table(
      'Amount mismatches',
      ['Transaction', 'Member', 'Real time', 'Feed'],
      (r.amountMismatches?.items ?? []).map((m) => [
        m.transactionId,
        memberLink(m.memberId),
        formatAud(m.realtimeAudCents),
        formatAud(m.feedAudCents),
      ]),
      'None.',
    ),
    table(
      `Settled in real time, missing from the feed since ${r.missingFromFeed?.since ?? '–'}`,
      ['Transaction', 'Member', 'Settled (real time) on'],
      (r.missingFromFeed?.items ?? []).map((m) => [
        m.transactionId,
        memberLink(m.memberId),
        m.realtimeSettledOn,
      ]),
      'None.',
    ),
  );
}

async function feedDatePage(date: string): Promise<void> {
  const region = h('div', {});
  show(app, h('h1', {}, `Feed runs of ${date}`), h('p', {}, link('#/feeds', '← all runs')), region);
  await render(
    region,
    `the runs of ${date}`,
    () => getJson<{ current: FeedRun | null; runs: FeedRun[] }>(`/api/ops/feeds/${encodeURIComponent(date)}`),
    (d) => [
      h(
        'p',
        {},
        d.current
          ? `The ledger holds version ${d.current.version}.`
          : 'No completed run: this date holds the watermark back.',
      ),
      ...d.runs.map((r) => runReport(r, DEFAULT_ZONE)),
    ],
  );
}

// ---- funnel -------------------------------------------------------------------------------------------

interface Funnel {
  campaignId: string;
  asOf: string;
  enrolledOn: string | null;
  members: number;
  counts: Record<string, number>;
  atRisk: number;
  held: number;
  rewards: { pending: number; needsReview: number };
  deadLetters: { queue: string; count: number | null } | null;
}

const counted = (id: string, n: number) => h('span', { 'data-testid': id }, String(n));

async function funnelPage(): Promise<void> {
  const day = query().get('enrolledOn') ?? '';
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Funnel filters' },
    h(
      'label',
      { for: 'enrolledOn' },
      'Day of enrolment',
      h('input', { id: 'enrolledOn', name: 'enrolledOn', type: 'date', value: day }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Show'),
    day ? link('#/funnel', 'Whole campaign') : null,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = new FormData(form).get('enrolledOn');
    location.hash =
      typeof chosen === 'string' && chosen ? `#/funnel?enrolledOn=${encodeURIComponent(chosen)}` : '#/funnel';
  });
  const region = h('div', {});
  show(app, h('h1', {}, 'Funnel'), form, region);
  await render(
    region,
    'the funnel',
    () => getJson<Funnel>(`/api/ops/funnel${day ? `?enrolledOn=${encodeURIComponent(day)}` : ''}`),
    (f) => {
      const dead = f.deadLetters;
      const whose = f.enrolledOn ? ` enrolled on ${formatLocalDate(f.enrolledOn)}` : '';
      return [
        h(
          'p',
          { 'data-testid': 'funnel-scope' },
          `${f.members} member(s)${whose} as of ${formatInstant(f.asOf, DEFAULT_ZONE)}.`,
        ),
        table(
          'Members by state',
          ['State', 'Members'],
          Object.entries(f.counts).map(([s, n]) => [s, counted(`count-${s}`, n)]),
          'No member enrolled.',
        ),
        h('h2', {}, 'Needs attention'),
        facts([
          ['Members at risk (a pending withdrawal would undo the target)', counted('at-risk', f.atRisk)],
          ['Members held by a quarantined feed row', counted('held', f.held)],
          [
            'Rewards pending (qualified, points not yet issued)',
            counted('rewards-pending', f.rewards.pending),
          ],
          ['Rewards needing review', counted('rewards-needs-review', f.rewards.needsReview)],
          [
            dead ? `Dead letters on ${dead.queue}` : 'Dead letters',
            dead && dead.count !== null
              ? counted('dead-letters', dead.count)
              : h('span', { 'data-testid': 'dead-letters' }, 'not available'),
          ],
        ]),
        h(
          'p',
          {},
          'Counts come from the memberStates projection (one document per member, kept by the ' +
            'notification dispatch). Dead letters are counted on the transactions queue: on Azure its ' +
            'deadLetterMessageCount, locally the runtime queue.',
        ),
      ];
    },
  );
}

// ---- export -------------------------------------------------------------------------------------------

async function exportPage(): Promise<void> {
  const region = h('div', {});
  show(
    app,
    h('h1', {}, 'Export for finance'),
    h(
      'p',
      {},
      'Every decision and reward of the campaign, with totals, to reconcile against the points system\u2019s statement. ',
      h('a', { href: '/api/ops/export', download: '' }, 'Download CSV'),
    ),
    region,
  );
  await render(
    region,
    'the export',
    () => getText('/api/ops/export'),
    (csv) => {
      const [header = [], ...rows] = parseCsv(csv);
      const total = rows.find((r) => r[0] === 'TOTAL');
      const body = rows.filter((r) => r !== total);
      return [
        total
          ? facts([
              ['Decisions', h('span', { 'data-testid': 'total-decisions' }, total[1] ?? '')],
              ['Confirmed AUD', h('span', { 'data-testid': 'total-confirmed' }, total[3] ?? '')],
              ['Points issued', h('span', { 'data-testid': 'total-points' }, total[4] ?? '')],
              ['Credits', h('span', { 'data-testid': 'total-credits' }, total[5] ?? '')],
            ])
          : null,
        table(
          'Decisions and rewards',
          header,
          body.map((r) => r.map((c, i) => (i === 0 ? memberLink(c) : c))),
          'No decision yet.',
        ),
      ];
    },
  );
}

// ---- router -------------------------------------------------------------------------------------------

function route(): void {
  const path = location.hash.replace(/^#/, '').split('?')[0] ?? '';
  const [, page = 'member', arg = ''] = path.split('/');
  for (const a of document.querySelectorAll('nav.tabs a'))
    if (a.getAttribute('href') === `#/${page}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  const pages: Record<string, () => Promise<void>> = {
    member: () => memberPage(decodeURIComponent(arg)),
    quarantine: quarantinePage,
    feeds: () => (arg ? feedDatePage(arg) : feedsPage()),
    funnel: funnelPage,
    export: exportPage,
  };
  const run = pages[page] ?? (() => Promise.resolve(show(app, errorBox(new Error('unknown page')))));
  void run().then(() => app.focus({ preventScroll: true }));
}

window.addEventListener('hashchange', route);
route();
