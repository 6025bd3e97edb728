import { csv, drop, harness, row } from '../support/feedHarness';

// A completed feed run tells the campaigns' wake-up (src/app/campaignWake.ts) what it changed, after the
// watermark is stored: the watermark before and after it, and for a correction every member it touched.

describe('feed run completion wakes the campaigns it concerns', () => {
  it('reports the watermark before and after each run, in order', async () => {
    // Given the feed starts on 2026-11-25 and the file of 2026-11-26 arrives first
    const h = harness(['M-1'], { feedStartDate: '2026-11-25' });
    const later = drop(csv([row({ business_date: '2026-11-26' })]), { date: '2026-11-26' });
    const first = drop(csv([row()]));
    h.put(later);
    h.put(first);

    // When the later date completes, then the missing first date
    await h.ingest(later);
    await h.ingest(first);

    // Then the first run left the watermark where it was, the second moved it over both dates
    expect(h.wakes).toEqual([
      { previousWatermark: null, watermark: null, corrected: [] },
      { previousWatermark: null, watermark: '2026-11-26', corrected: [] },
    ]);
  });

  it('names every member a correction touched, in it or in the version it replaces', async () => {
    // Given version 1 of a date with rows of M-1 and M-2 (M-2's row quarantined, so M-2 is held)
    const h = harness(['M-1', 'M-2', 'M-3', 'M-4']);
    const v1 = drop(
      csv([
        row({ transaction_id: 'T-1', member_id: 'M-1' }),
        row({ transaction_id: 'T-2', member_id: 'M-2', aud_amount: 'oops' }),
      ]),
    );
    h.put(v1);
    await h.ingest(v1);

    // When version 2 replaces it with rows of M-1 and M-3 only
    const v2 = drop(
      csv([
        row({ transaction_id: 'T-1', member_id: 'M-1' }),
        row({ transaction_id: 'T-3', member_id: 'M-3' }),
      ]),
      { version: 2 },
    );
    h.put(v2);
    await h.ingest(v2);

    // Then the first run names nobody as corrected, the correction names M-1, M-2 and M-3 (not M-4)
    expect(h.wakes.map((w) => w.corrected)).toEqual([[], ['M-1', 'M-2', 'M-3']]);
    expect(h.wakes[1]).toMatchObject({ previousWatermark: '2026-11-25', watermark: '2026-11-25' });
  });

  it('completes the run when waking fails, and logs it', async () => {
    const h = harness(['M-1']);
    h.deps.wakes = { afterRun: () => Promise.reject(new Error('task hub unavailable')) };
    const d = drop(csv([row()]));
    h.put(d);
    expect(await h.ingest(d)).toMatchObject({ kind: 'COMPLETED', watermark: '2026-11-25' });
    expect(h.log.lines).toContainEqual(expect.stringMatching(/^CAMPAIGN_WAKE_FAILED task hub unavailable/));
  });
});
