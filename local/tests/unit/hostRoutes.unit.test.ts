import { compileRoute, matchRoute } from '../../host/routes';

const routes = [
  compileRoute('me/progress', ['GET'], 'progress'),
  compileRoute('me/celebrations/{kind}/ack', ['POST'], 'ack'),
  compileRoute('ops/members/{memberId}', ['GET'], 'member'),
  compileRoute('ops/feeds/{businessDate?}', ['GET'], 'feeds'),
  compileRoute('items/{id:int}', undefined, 'itemById'),
  compileRoute('items/{slug}', ['GET'], 'itemBySlug'),
  compileRoute('files/{*rest}', ['GET'], 'files'),
  compileRoute('{memberId}/progress', ['GET'], 'paramFirst'),
];

describe('route matching', () => {
  it('reports a malformed percent-escape instead of throwing a URIError', () => {
    expect(matchRoute(routes, 'GET', 'ops/members/%zz')).toEqual({ kind: 'malformedPath', segment: '%zz' });
    expect(matchRoute(routes, 'GET', 'me/%E0%A4%A')).toEqual({ kind: 'malformedPath', segment: '%E0%A4%A' });
  });

  it('binds named parameters and decodes them', () => {
    expect(matchRoute(routes, 'POST', 'me/celebrations/TARGET_REACHED/ack')).toEqual({
      kind: 'match',
      target: 'ack',
      params: { kind: 'TARGET_REACHED' },
    });
    expect(matchRoute(routes, 'GET', 'ops/members/M%2D42')).toEqual({
      kind: 'match',
      target: 'member',
      params: { memberId: 'M-42' },
    });
  });

  it('treats an optional trailing parameter as present or absent', () => {
    expect(matchRoute(routes, 'GET', 'ops/feeds')).toEqual({ kind: 'match', target: 'feeds', params: {} });
    expect(matchRoute(routes, 'GET', 'ops/feeds/2026-11-24')).toEqual({
      kind: 'match',
      target: 'feeds',
      params: { businessDate: '2026-11-24' },
    });
  });

  it('prefers literal segments over parameters, whatever the registration order', () => {
    expect(matchRoute(routes, 'GET', 'me/progress')).toMatchObject({ target: 'progress' });
    expect(matchRoute(routes, 'GET', 'M-1/progress')).toMatchObject({
      target: 'paramFirst',
      params: { memberId: 'M-1' },
    });
  });

  it('matches literals case-insensitively and ignores trailing slashes', () => {
    expect(matchRoute(routes, 'get', '/ME/Progress/')).toMatchObject({ kind: 'match', target: 'progress' });
  });

  it('applies constraints and lets another route take a value that fails one', () => {
    expect(matchRoute(routes, 'GET', 'items/42')).toMatchObject({ target: 'itemById', params: { id: '42' } });
    expect(matchRoute(routes, 'GET', 'items/blue')).toMatchObject({
      target: 'itemBySlug',
      params: { slug: 'blue' },
    });
  });

  it('collects the rest of the path in a catch-all', () => {
    expect(matchRoute(routes, 'GET', 'files/a/b/c.csv')).toEqual({
      kind: 'match',
      target: 'files',
      params: { rest: 'a/b/c.csv' },
    });
  });

  it('reports 405 with the allowed methods when only the method is wrong, none when nothing matches', () => {
    expect(matchRoute(routes, 'DELETE', 'me/progress')).toEqual({
      kind: 'methodNotAllowed',
      allowed: ['GET'],
    });
    expect(matchRoute(routes, 'GET', 'me/progress/extra')).toEqual({ kind: 'none' });
    expect(matchRoute(routes, 'GET', 'ops/members')).toEqual({ kind: 'none' });
  });

  it('accepts any method when a function lists none', () => {
    expect(matchRoute(routes, 'PATCH', 'items/7')).toMatchObject({ target: 'itemById' });
  });

  it('refuses templates the host would reject', () => {
    expect(() => compileRoute('a/{b?}/c', ['GET'], 'x')).toThrow(/optional parameters must come last/);
    expect(() => compileRoute('a/x{b}', ['GET'], 'x')).toThrow(/unsupported route segment/);
  });
});
