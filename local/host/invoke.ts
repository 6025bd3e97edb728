import { InvocationContext } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import type { CoreBinding, RegisteredFunction, Registry } from '../functionsCore';
import type { LogLine } from './types';

type NamedBinding = CoreBinding & { name: string };

/** `context.options` as the worker builds it (`fromRpcBindings`): `df.getClient` reads `extraInputs`. */
export function effectiveOptions(fn: RegisteredFunction) {
  const extraInputs: NamedBinding[] = [];
  const extraOutputs: NamedBinding[] = [];
  let ret: NamedBinding | undefined;
  for (const [name, binding] of Object.entries(fn.bindings)) {
    const named = { ...binding, name };
    if (name === fn.trigger.name) continue;
    if (name === '$return') ret = named;
    else if (binding.direction === 'in') extraInputs.push(named);
    else extraOutputs.push(named);
  }
  return { trigger: fn.trigger, return: ret, extraInputs, extraOutputs };
}

export interface Invocation {
  fn: RegisteredFunction;
  triggerInput: unknown;
  triggerMetadata?: Record<string, unknown>;
  retryContext?: { retryCount: number; maxRetryCount: number };
  /** Appended to the log line, e.g. `messageId=… delivery=2`. */
  detail?: string;
  /**
   * Count a successful run instead of logging it (timer firings: a virtual-clock advance fires thousands);
   * the counts are logged as one summary line per {@link SUMMARY_EVERY_MS}, failures one by one.
   */
  summarise?: boolean;
}

export const SUMMARY_EVERY_MS = 5_000;

/** Counts quiet successes per function and writes them as one line: `timer firings: a ×3, b ×1 (ok)`. */
export function invocationSummary(log: LogLine, everyMs = SUMMARY_EVERY_MS) {
  const counts = new Map<string, number>();
  const flush = (): void => {
    if (counts.size === 0) return;
    const parts = [...counts].map(([name, n]) => `${name} ×${n}`).join(', ');
    counts.clear();
    log(`timer firings since the last summary: ${parts} (all ok; failures are logged one by one)`);
  };
  const timer = setInterval(flush, everyMs);
  timer.unref();
  return {
    count: (name: string): void => void counts.set(name, (counts.get(name) ?? 0) + 1),
    flush,
    stop: (): void => {
      clearInterval(timer);
      flush();
    },
  };
}

export interface Invoker {
  invoke(inv: Invocation): Promise<unknown>;
}

/** `Name: message (cause: …)`; an error without a message gets its first stack frames instead. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return typeof err === 'object' ? JSON.stringify(err) : String(err);
  const cause = err.cause === undefined ? '' : ` (cause: ${describe(err.cause)})`;
  const where = err.message
    ? ''
    : ` ${(err.stack ?? '')
        .split('\n')
        .slice(1, 4)
        .map((l) => l.trim())
        .join(' ')}`;
  const code = 'code' in err && err.code !== undefined ? ` [code ${String(err.code)}]` : '';
  return `${err.name}${code}: ${err.message}${where}${cause}`;
}

function runHooks(registry: Registry, name: string, context: Record<string, unknown>): Promise<void> {
  return registry.hooks
    .filter((h) => h.hookName === name)
    .reduce<Promise<void>>(
      (prev, h) => prev.then(async () => void (await h.callback(context))),
      Promise.resolve(),
    );
}

/**
 * Calls registered handlers exactly as the worker does (`handler(triggerInput, context)` with
 * pre/post invocation hooks), and writes one line per invocation: name, trigger, duration, ok/error.
 */
export function createInvoker(
  registry: Registry,
  log: LogLine,
  /** Values for extra input bindings of any trigger, e.g. `durableClient` → the engine's client data. */
  extraInputFor: (binding: NamedBinding) => unknown = () => undefined,
): Invoker {
  const appHookData: Record<string, unknown> = {};
  // a function's options never change after registration; building them is most of an invocation's setup
  const summary = invocationSummary(log);
  const optionsOf = new WeakMap<RegisteredFunction, ReturnType<typeof effectiveOptions>>();
  return {
    async invoke(inv) {
      const { fn } = inv;
      const invocationId = randomUUID();
      const context = new InvocationContext({
        invocationId,
        functionName: fn.name,
        triggerMetadata: inv.triggerMetadata,
        retryContext: inv.retryContext,
        logHandler: (level, ...args) =>
          log(
            `  [${fn.name}] ${level}: ${args.map((a) => (typeof a === 'string' ? a : describe(a))).join(' ')}`,
          ),
        options: optionsOf.get(fn) ?? optionsOf.set(fn, effectiveOptions(fn)).get(fn),
      });
      for (const binding of context.options.extraInputs) {
        const value = extraInputFor(binding as NamedBinding);
        if (value !== undefined) context.extraInputs.set(binding, value);
      }
      const started = performance.now();
      const hookContext: Record<string, unknown> = {
        hookData: {},
        appHookData,
        invocationContext: context,
        inputs: [inv.triggerInput],
        functionCallback: fn.handler,
      };
      const suffix = inv.detail ? ` ${inv.detail}` : '';
      try {
        await runHooks(registry, 'preInvocation', hookContext);
        const handler = hookContext['functionCallback'] as RegisteredFunction['handler'];
        const inputs = hookContext['inputs'] as unknown[];
        const result: unknown = await handler(...inputs, context);
        Object.assign(hookContext, { result, error: undefined });
        await runHooks(registry, 'postInvocation', hookContext);
        if (inv.summarise) summary.count(fn.name);
        else
          log(
            `${fn.name} (${fn.trigger.type}) ok in ${(performance.now() - started).toFixed(1)} ms${suffix}`,
          );
        return hookContext['result'];
      } catch (err) {
        summary.flush();
        log(
          `${fn.name} (${fn.trigger.type}) ERROR in ${(performance.now() - started).toFixed(1)} ms${suffix}: ${describe(err)}`,
        );
        throw err;
      }
    },
  };
}
