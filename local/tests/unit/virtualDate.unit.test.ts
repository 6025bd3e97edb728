import { installVirtualDate } from '../../interceptions';

// In virtual-clock mode the app's own clock reads must follow the host's clock (docs/local-runtime.md).
describe('installVirtualDate', () => {
  const virtualNow = Date.parse('2027-01-15T00:00:00.000Z');
  let restore: () => void = () => undefined;
  const before = new Date('2020-01-01T00:00:00.000Z');

  beforeEach(() => {
    restore = installVirtualDate(() => virtualNow);
  });
  afterEach(() => restore());

  it('answers wall-clock reads with the virtual time', () => {
    expect(Date.now()).toBe(virtualNow);
    expect(new Date().toISOString()).toBe('2027-01-15T00:00:00.000Z');
    expect(typeof Date()).toBe('string');
  });

  it('leaves explicit dates and parsing alone', () => {
    expect(new Date('2026-11-25T09:00:00+11:00').toISOString()).toBe('2026-11-24T22:00:00.000Z');
    expect(new Date(0).getTime()).toBe(0);
    expect(Date.parse('2026-01-01T00:00:00Z')).toBe(1767225600000);
    expect(Date.UTC(2026, 0, 1)).toBe(1767225600000);
  });

  it('keeps instanceof true for dates made before and after the patch', () => {
    expect(before instanceof Date).toBe(true);
    expect(new Date() instanceof Date).toBe(true);
    expect({} instanceof Date).toBe(false);
  });

  it('restores the real clock', () => {
    restore();
    expect(Math.abs(Date.now() - virtualNow)).toBeGreaterThan(1000);
  });
});
