import { ApiError } from './api';

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

/** A small element builder: `on*` props become listeners, `false`/`undefined` props are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'text') el.textContent = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return el;
}

/** Replaces what a region shows. */
export function show(region: HTMLElement, ...content: (Child | Child[])[]): void {
  region.replaceChildren();
  for (const child of content.flat())
    if (child !== null && child !== undefined && child !== false)
      region.append(typeof child === 'number' ? String(child) : child);
}

export function loading(what: string): HTMLElement {
  return h('p', { class: 'loading', role: 'status', 'aria-live': 'polite' }, `Loading ${what}…`);
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

/** An error as people should see it: the API's code and message; anything else, a generic line. */
export function errorBox(error: unknown): HTMLElement {
  const api = error instanceof ApiError ? error : undefined;
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('strong', { class: 'error-code' }, api ? api.code : 'CONSOLE.ERROR'),
    ' ',
    h(
      'span',
      { class: 'error-detail' },
      api ? api.detail : 'something went wrong in the page; reload to retry',
    ),
  );
}

/** Runs `load` with a loading state in `region`, then renders its result or the error. */
export async function render<T>(
  region: HTMLElement,
  what: string,
  load: () => Promise<T>,
  view: (value: T) => Child | Child[],
): Promise<void> {
  show(region, loading(what));
  region.setAttribute('aria-busy', 'true');
  try {
    const value = await load();
    show(region, view(value));
  } catch (error) {
    show(region, errorBox(error));
  } finally {
    region.removeAttribute('aria-busy');
  }
}

/** A definition list of label/value pairs. */
export function facts(pairs: [string, Child | Child[]][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    ...pairs.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
  );
}

/**
 * A table with a caption and header row; `rows` empty shows `emptyText` instead. A wide table scrolls
 * sideways inside its own box (focusable, so the keyboard can scroll it), never the page: at phone width
 * the page itself keeps the screen's width.
 */
export function table(caption: string, headers: string[], rows: Child[][], emptyText: string): HTMLElement {
  if (rows.length === 0) return h('section', {}, h('h3', {}, caption), empty(emptyText));
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'group', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c) => h('td', {}, c))))),
    ),
  );
}
