/**
 * Makes wall-clock reads in this process (`new Date()`, `Date.now()`) follow a clock, so the app's shells
 * see virtual time in the local runtime's virtual-clock mode without knowing they run locally. Dates
 * built from explicit values are untouched, and `instanceof Date` still holds for dates made before the
 * patch. Returns a function that restores the real Date.
 */
export function installVirtualDate(now: () => number): () => void {
  const RealDate = globalThis.Date;
  class VirtualDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return now();
    }
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof RealDate;
    }
  }
  // Called as a function, Date returns a string of the current time.
  const patched = new Proxy(VirtualDate, {
    apply: () => new RealDate(now()).toString(),
  });
  globalThis.Date = patched as unknown as DateConstructor;
  return () => {
    globalThis.Date = RealDate;
  };
}
