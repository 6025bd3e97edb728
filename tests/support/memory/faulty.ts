type AsyncMethods<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

export type Faulty<T> = T & {
  /** The next `times` calls of `method` reject with `error` (a transient fault for the shell to rethrow). */
  failNext(method: AsyncMethods<T>, error?: Error, times?: number): void;
};

/**
 * Wraps an in-memory repository so a unit test can make chosen calls fail, e.g. to check that a trigger
 * rethrows a transient storage error instead of completing the message.
 */
export function faulty<T extends object>(target: T): Faulty<T> {
  const pending = new Map<PropertyKey, Error[]>();
  const failNext = (
    method: AsyncMethods<T>,
    error = new Error('injected transient fault'),
    times = 1,
  ): void => {
    pending.set(method, [...(pending.get(method) ?? []), ...Array.from({ length: times }, () => error)]);
  };
  return new Proxy(target, {
    get(obj, property, receiver) {
      if (property === 'failNext') return failNext;
      const value: unknown = Reflect.get(obj, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const error = pending.get(property)?.shift();
        if (error) return Promise.reject(error);
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  }) as Faulty<T>;
}
