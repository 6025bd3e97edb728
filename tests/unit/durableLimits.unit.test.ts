import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkReplay } from '../../local/durable/determinism';
import { AZURE_LIMITS, parseTimeSpanMs, utf16Kb } from '../../local/durable/limits';
import { ActionType } from '../../local/durable/wire';
import { readHostJson } from '../../local/host/hostJson';

describe('durable engine limits', () => {
  it('parses host.json TimeSpans as the host does', () => {
    expect(parseTimeSpanMs('00:10:00')).toBe(600_000);
    expect(parseTimeSpanMs('1.02:00:30.5')).toBe((26 * 3600 + 30.5) * 1000);
    expect(parseTimeSpanMs('-1')).toBeNull();
    expect(() => parseTimeSpanMs('10 minutes')).toThrow('not a TimeSpan');
  });

  it('reads functionTimeout and the durableTask limits from host.json, Azure defaults otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostjson-'));
    expect(readHostJson(dir).durableLimits).toEqual(AZURE_LIMITS);
    writeFileSync(
      join(dir, 'host.json'),
      JSON.stringify({
        functionTimeout: '00:10:00',
        extensions: { durableTask: { maxEntityOperationBatchSize: 5000, maxOrchestrationActions: 10 } },
      }),
    );
    expect(readHostJson(dir).durableLimits).toEqual({
      ...AZURE_LIMITS,
      functionTimeoutMs: 600_000,
      maxEntityOperationBatchSize: 5000,
      maxOrchestrationActions: 10,
    });
  });

  it('measures custom status in whole KB of UTF-16', () => {
    expect(utf16Kb('x'.repeat(512))).toBe(1);
    expect(utf16Kb('x'.repeat(511))).toBe(0);
  });
});

describe('determinism check', () => {
  const activity = (name: string) => ({ actionType: ActionType.CallActivity, functionName: name });
  const planned = [
    { id: 0, kind: 'activity' as const, name: 'Load' },
    { id: 2, kind: 'sendEvent' as const, name: 'op' },
  ];
  const signal = { actionType: ActionType.SignalEntity, instanceId: '@member@M-1', operation: 'hold' };

  it('accepts the same sequence, names compared without case, waits and new actions ignored', () => {
    const wait = { actionType: ActionType.WaitForExternalEvent, externalEventName: 'x' };
    expect(checkReplay(planned, [wait, activity('load'), signal, activity('Next')])).toBeUndefined();
  });

  it('reports the first sequence number that differs', () => {
    expect(checkReplay(planned, [activity('Load'), activity('Other')])).toContain(
      'scheduled a send event task with sequence number 2',
    );
    expect(checkReplay(planned, [activity('Load')])).toContain("hasn't (yet?) scheduled this task");
  });
});
