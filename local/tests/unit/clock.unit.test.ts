import { realClock, virtualClock } from '../../clock';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

describe('virtualClock', () => {
  it('fires due timers in time order, ties in registration order, with now() at each timer time', async () => {
    const clock = virtualClock(T0);
    const fired: Array<[string, number]> = [];
    const record = (label: string) => () => void fired.push([label, clock.now() - T0]);
    clock.setTimer(T0 + 3 * DAY, record('c'));
    clock.setTimer(T0 + DAY, record('a1'));
    clock.setTimer(T0 + DAY, record('a2'));
    clock.setTimer(T0 + 10 * DAY, record('late'));

    await clock.advance(5 * DAY);

    expect(fired).toEqual([
      ['a1', DAY],
      ['a2', DAY],
      ['c', 3 * DAY],
    ]);
    expect(clock.now()).toBe(T0 + 5 * DAY);
  });

  it('lets all work caused by one timer settle before the next timer fires', async () => {
    const clock = virtualClock(T0);
    const log: string[] = [];
    let pending: Promise<void> = Promise.resolve();
    clock.addSettler(() => pending);
    clock.setTimer(T0 + 1000, () => {
      pending = new Promise<void>((resolve) =>
        setImmediate(() => {
          log.push('work of first');
          resolve();
        }),
      );
    });
    clock.setTimer(T0 + 2000, () => void log.push('second'));

    await clock.advance(5000);

    expect(log).toEqual(['work of first', 'second']);
  });

  it('fires timers registered during a firing when they fall inside the advanced range', async () => {
    const clock = virtualClock(T0);
    const times: number[] = [];
    const chain = (): void => {
      times.push(clock.now() - T0);
      if (times.length < 4) clock.setTimer(clock.now() + 3 * DAY, chain);
    };
    clock.setTimer(T0 + 3 * DAY, chain);

    await clock.advance(10 * DAY);

    expect(times).toEqual([3 * DAY, 6 * DAY, 9 * DAY]);
  });

  it('does not fire cancelled timers, fires past-due timers at once and reports each new time', async () => {
    const seen: number[] = [];
    const clock = virtualClock(T0, (now) => seen.push(now - T0));
    const fired: string[] = [];
    const cancel = clock.setTimer(T0 + 100, () => void fired.push('cancelled'));
    cancel();
    await clock.advance(200);
    expect(fired).toEqual([]);

    const done = new Promise<void>((resolve) => clock.setTimer(T0, () => resolve()));
    await done;
    expect(seen).toEqual([200]);
  });
});

describe('realClock', () => {
  it('fires a timer at its time and can cancel another', async () => {
    const clock = realClock();
    const fired: string[] = [];
    const cancel = clock.setTimer(clock.now() + 5, () => void fired.push('cancelled'));
    cancel();
    await new Promise<void>((resolve) => clock.setTimer(clock.now() + 10, () => resolve()));
    expect(fired).toEqual([]);
    expect(clock.mode).toBe('real');
  });
});
