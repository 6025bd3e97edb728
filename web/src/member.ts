// The member view (GET /api/me/progress): what the app shows a member, at phone width.
import { getJson, postJson, type Totals } from './api';
import { confetti } from './confetti';
import { errorBox, facts, h, render, show } from './dom';
import { daysLeft, formatAud, formatInstant, formatLocalDate, formatPoints, percentOf } from './format';

interface Progress extends Totals {
  memberId: string;
  state: string;
  timeZone: string;
  windowClosesAt: string;
  evaluationAt: string;
  lastGraceDate: string;
  celebrations: { kind: 'TARGET_REACHED' | 'REWARD_ISSUED'; raisedAt: string }[];
  decision: { outcome: string; decidedAt: string } | null;
  reward: { status: string; points: number; issuedAt?: string } | null;
  asOf: string;
}

const CELEBRATION_TEXT = {
  TARGET_REACHED: {
    title: 'You reached AUD 1,000!',
    body: 'Your settled loads reached the target. Keep the money on your card until the window closes to earn your bonus points.',
  },
  REWARD_ISSUED: {
    title: 'Your bonus points are here!',
    body: 'The points have been added to your account.',
  },
};

function status(p: Progress): string {
  if (p.reward?.status === 'ISSUED')
    return `${formatPoints(p.reward.points)} bonus points were added to your account.`;
  if (p.decision?.outcome === 'QUALIFIED') return 'You qualified: your bonus points are on their way.';
  if (p.decision?.outcome === 'NOT_REACHED') return 'The challenge has ended; the target was not reached.';
  if (p.decision?.outcome === 'DISQUALIFIED')
    return 'The challenge has ended: a withdrawal made you ineligible.';
  if (p.progressCents >= p.targetCents)
    return 'Target reached! We confirm your loads with the overnight settlement before the points are issued.';
  return `Load ${formatAud(p.remainingCents)} more before the window closes.`;
}

/** The bar's filled part, sized through the CSSOM (the page's CSP allows no inline style attribute). */
function fill(percent: number): HTMLElement {
  const el = h('div', { class: 'bar-fill' });
  el.style.width = `${percent}%`;
  return el;
}

function view(p: Progress, region: HTMLElement): HTMLElement[] {
  const left = daysLeft(p.asOf, p.windowClosesAt);
  const percent = percentOf(p.progressCents, p.targetCents);
  const parts: HTMLElement[] = [
    h('h1', {}, `Load ${formatAud(p.targetCents)}, earn bonus points`),
    h(
      'div',
      {
        class: 'bar',
        role: 'progressbar',
        'aria-label': 'Settled progress toward the target',
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': percent,
        'aria-valuetext': `${formatAud(p.progressCents)} of ${formatAud(p.targetCents)}`,
      },
      fill(percent),
    ),
    h('p', { class: 'status', 'data-testid': 'status' }, status(p)),
    facts([
      ['Settled', h('span', { 'data-testid': 'settled' }, formatAud(p.progressCents))],
      ['Pending (counts once settled)', h('span', { 'data-testid': 'pending' }, formatAud(p.pendingCents))],
      ['Still to load', formatAud(p.remainingCents)],
      ['Days left', h('span', { 'data-testid': 'days-left' }, String(left))],
      ['Window closes', formatInstant(p.windowClosesAt, p.timeZone)],
      ['Loads count if settled by', formatLocalDate(p.lastGraceDate)],
    ]),
  ];
  if (p.atRisk)
    parts.splice(
      2,
      0,
      h(
        'p',
        { class: 'warning', role: 'alert', 'data-testid': 'at-risk' },
        'A pending withdrawal would make you ineligible for the bonus points.',
      ),
    );
  const celebration = p.celebrations[0];
  if (celebration) parts.push(celebrate(celebration.kind, region));
  return parts;
}

/** The confetti moment: a dialog that stays until the member acknowledges it through the API. */
function celebrate(kind: keyof typeof CELEBRATION_TEXT, region: HTMLElement): HTMLElement {
  const text = CELEBRATION_TEXT[kind];
  const feedback = h('div', {});
  const button = h('button', { type: 'button', class: 'primary' }, 'Got it');
  const dialog = h(
    'div',
    {
      class: 'celebration',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'celebration-title',
      'data-kind': kind,
    },
    h('h2', { id: 'celebration-title' }, text.title),
    h('p', {}, text.body),
    feedback,
    button,
  );
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '');
    postJson<Progress>(`/api/me/celebrations/${kind}/ack`)
      .then((next) => show(region, view(next, region)))
      .catch((error: unknown) => {
        show(feedback, errorBox(error));
        button.removeAttribute('disabled');
      });
  });
  queueMicrotask(() => {
    confetti(dialog);
    button.focus();
  });
  return dialog;
}

const region = document.getElementById('app') as HTMLElement;
void render(
  region,
  'your progress',
  () => getJson<Progress>('/api/me/progress'),
  (p) => view(p, region),
);
