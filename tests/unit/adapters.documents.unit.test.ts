import { quarantineId, quarantineSourceOf } from '../../src/adapters/documents/quarantine';
import { applyIssuancePatch, type RewardDoc } from '../../src/adapters/documents/reward';
import fc from 'fast-check';

describe('quarantineId', () => {
  it('is deterministic, distinct for distinct keys, free of characters Cosmos forbids and at most 255 long', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 400 }), (a, b) => {
        const idA = quarantineId('FEED', a);
        expect(idA).toBe(quarantineId('FEED', a));
        expect(idA).not.toMatch(/[/\\?#]/);
        expect(idA.length).toBeLessThanOrEqual(255);
        if (a !== b) expect(idA).not.toBe(quarantineId('FEED', b));
        expect(quarantineSourceOf(idA)).toBe('FEED');
      }),
    );
  });

  it('keeps short keys readable', () => {
    expect(quarantineId('REALTIME', 'T-1:SETTLED')).toBe('REALTIME:T-1%3ASETTLED');
    expect(quarantineSourceOf('NOPE:x')).toBeUndefined();
  });
});

describe('applyIssuancePatch', () => {
  const at = '2026-12-08T00:00:00.000Z';
  const qualified: RewardDoc = {
    memberId: 'M-1',
    campaignId: 'c',
    decision: 'QUALIFIED',
    decidedAt: at,
    issuance: { status: 'PENDING', attempts: 0, updatedAt: at },
  };

  it('given a pending issuance, when the points system answers, then the reward becomes ISSUED', () => {
    const next = applyIssuancePatch(qualified, {
      status: 'ISSUED',
      outcome: 'ISSUED',
      creditId: 'C-1',
      attempts: 1,
      updatedAt: at,
    });
    expect(next?.issuance).toEqual({
      status: 'ISSUED',
      outcome: 'ISSUED',
      creditId: 'C-1',
      attempts: 1,
      updatedAt: at,
    });
  });

  it('given an ISSUED reward, when a stale retry reports a failure, then nothing changes', () => {
    const issued = applyIssuancePatch(qualified, { status: 'ISSUED', updatedAt: at });
    expect(
      issued && applyIssuancePatch(issued, { status: 'NEEDS_REVIEW', outcome: 'CONFLICT', updatedAt: at }),
    ).toBeUndefined();
  });

  it('given NEEDS_REVIEW, when ops re-drive and the credit succeeds, then it becomes ISSUED', () => {
    const review = applyIssuancePatch(qualified, {
      status: 'NEEDS_REVIEW',
      outcome: 'REFUSED',
      refusalCode: 'MEMBER_NOT_FOUND',
      updatedAt: at,
    });
    expect(
      review &&
        applyIssuancePatch(review, { status: 'ISSUED', outcome: 'ISSUED', updatedAt: at })?.issuance?.status,
    ).toBe('ISSUED');
  });

  it('never gives an issuance to a decision that is not QUALIFIED', () => {
    expect(
      applyIssuancePatch({ ...qualified, decision: 'NOT_REACHED' }, { status: 'ISSUED', updatedAt: at }),
    ).toBeUndefined();
  });
});
