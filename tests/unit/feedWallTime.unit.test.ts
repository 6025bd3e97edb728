import { csv, drop, harness, row } from '../support/feedHarness';

// On the local runtime's virtual clock `Date` jumps (or stands still) while the feed works; what the logs
// say about duration and throughput must be wall time.
describe('feed logs report wall time, whatever the clock does', () => {
  afterEach(() => jest.restoreAllMocks());

  it('shows verify and chunk durations and the run rate in wall time while Date jumps an hour a call', async () => {
    // Given a Date that advances one hour each time it is read (a virtual clock being advanced)
    let virtual = Date.parse('2026-11-26T00:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => (virtual += 3_600_000));
    const h = harness(['M-1']);
    const d = drop(csv([row(), row({ transaction_id: 'T-2' })]));
    h.put(d);

    // When the file is ingested
    await h.ingest(d);

    // Then every duration is seconds of real work, not hours of virtual time
    const durations = h.log.lines.flatMap((l) => [...l.matchAll(/in (\d+\.\d) s/g)]).map((m) => Number(m[1]));
    expect(durations.length).toBeGreaterThanOrEqual(2);
    for (const s of durations) expect(s).toBeLessThan(60);
    const progress = h.log.lines.filter((l) => l.includes(' progress: '));
    for (const line of progress) expect(line).not.toMatch(/ 0 rows\/s/);
  });
});
