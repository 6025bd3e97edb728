/** One segment of an Azure Functions route template. */
type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean; constraint?: string }
  | { kind: 'catchAll'; name: string };

export interface CompiledRoute<T> {
  template: string;
  segments: Segment[];
  methods: ReadonlySet<string> | undefined;
  target: T;
}

export type RouteMatch<T> =
  | { kind: 'match'; target: T; params: Record<string, string> }
  | { kind: 'methodNotAllowed'; allowed: string[] }
  | { kind: 'malformedPath'; segment: string }
  | { kind: 'none' };

function parseSegment(raw: string, template: string): Segment {
  const param = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+(?:\([^)]*\))?))?(\?)?\}$/.exec(raw);
  if (!param) {
    if (raw.includes('{') || raw.includes('}'))
      throw new Error(`unsupported route segment "${raw}" in "${template}"`);
    return { kind: 'literal', text: raw.toLowerCase() };
  }
  const [, star, name = '', constraint, optional] = param;
  if (star) return { kind: 'catchAll', name };
  return { kind: 'param', name, optional: optional === '?', ...(constraint ? { constraint } : {}) };
}

/**
 * Compiles a route template as the Functions host reads it: `{name}`, `{name?}`, `{name:int}`,
 * `{*rest}`; literals match case-insensitively; only trailing parameters may be optional.
 */
export function compileRoute<T>(
  template: string,
  methods: readonly string[] | undefined,
  target: T,
): CompiledRoute<T> {
  const segments = template
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => parseSegment(s, template));
  const firstOptional = segments.findIndex(
    (s) => s.kind !== 'literal' && (s.kind === 'catchAll' || s.optional),
  );
  if (
    firstOptional >= 0 &&
    segments.slice(firstOptional + 1).some((s) => s.kind === 'literal' || (s.kind === 'param' && !s.optional))
  ) {
    throw new Error(`route "${template}": optional parameters must come last`);
  }
  return {
    template,
    segments,
    methods: methods ? new Set(methods.map((m) => m.toUpperCase())) : undefined,
    target,
  };
}

function satisfies(value: string, constraint: string | undefined): boolean {
  switch (constraint?.replace(/\(.*$/, '').toLowerCase()) {
    case undefined:
      return true;
    case 'alpha':
      return /^[A-Za-z]+$/.test(value);
    case 'int':
    case 'long':
      return /^-?\d+$/.test(value);
    case 'guid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
    case 'bool':
      return /^(true|false)$/i.test(value);
    default:
      return true;
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const seg = segments[i] as Segment;
    const part = parts[i];
    if (seg.kind === 'catchAll') {
      if (parts.length > i) params[seg.name] = parts.slice(i).join('/');
      return params;
    }
    if (part === undefined) {
      if (seg.kind === 'param' && seg.optional) continue;
      return undefined;
    }
    if (seg.kind === 'literal') {
      if (part.toLowerCase() !== seg.text) return undefined;
    } else {
      if (!satisfies(part, seg.constraint)) return undefined;
      params[seg.name] = part;
    }
  }
  return parts.length <= segments.length ? params : undefined;
}

/** More literal segments first, then fewer optional/catch-all ones: `me/progress` beats `{id}/progress`. */
function specificity(route: CompiledRoute<unknown>): number[] {
  const literals = route.segments.filter((s) => s.kind === 'literal').length;
  const loose = route.segments.filter(
    (s) => s.kind === 'catchAll' || (s.kind === 'param' && s.optional),
  ).length;
  return [-literals, loose];
}

export function sortRoutes<T>(routes: CompiledRoute<T>[]): CompiledRoute<T>[] {
  return [...routes].sort((a, b) => {
    const [la = 0, oa = 0] = specificity(a);
    const [lb = 0, ob = 0] = specificity(b);
    return la - lb || oa - ob;
  });
}

/** A path segment with its percent-escapes decoded; undefined for a malformed escape (`%zz`). */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Finds the route for a path below the route prefix (already stripped, URL-decoded per segment).
 * Reports 405 only when some route matches the path but none allows the method, and a malformed
 * percent-escape as such (the caller answers 400) instead of throwing.
 */
export function matchRoute<T>(routes: CompiledRoute<T>[], method: string, path: string): RouteMatch<T> {
  const raw = path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((p) => p.length > 0);
  const parts: string[] = [];
  for (const segment of raw) {
    const decoded = decodeSegment(segment);
    if (decoded === undefined) return { kind: 'malformedPath', segment };
    parts.push(decoded);
  }
  const allowed = new Set<string>();
  for (const route of sortRoutes(routes)) {
    const params = matchSegments(route.segments, parts);
    if (!params) continue;
    if (route.methods && !route.methods.has(method.toUpperCase())) {
      route.methods.forEach((m) => allowed.add(m));
      continue;
    }
    return { kind: 'match', target: route.target, params };
  }
  return allowed.size > 0 ? { kind: 'methodNotAllowed', allowed: [...allowed] } : { kind: 'none' };
}
