import { supplyFunctionsCore } from './interceptions';

/** A binding as `@azure/functions` v4 hands it to the worker (keyed by binding name in `bindings`). */
export interface CoreBinding {
  type: string;
  direction: 'in' | 'out' | 'inout';
  [property: string]: unknown;
}

/** One function as captured from `registerFunction(metadata, callback)`. */
export interface RegisteredFunction {
  name: string;
  bindings: Record<string, CoreBinding>;
  retryOptions?: unknown;
  /** The trigger binding, with its key as `name`. */
  trigger: CoreBinding & { name: string };
  /** Called as `handler(triggerInput, invocationContext)`. */
  handler: (...args: unknown[]) => unknown;
}

export interface RegisteredHook {
  hookName: string;
  callback: (context: Record<string, unknown>) => unknown;
}

/** Everything an app registered through `@azure/functions-core`. */
export class Registry {
  readonly functions: RegisteredFunction[] = [];
  readonly hooks: RegisteredHook[] = [];
  programmingModel: unknown;

  byTriggerType(type: string): RegisteredFunction[] {
    const wanted = type.toLowerCase();
    return this.functions.filter((f) => f.trigger.type.toLowerCase() === wanted);
  }

  /** Durable names are matched case-insensitively: the scheduler lower-cases entity names. */
  find(name: string, triggerType?: string): RegisteredFunction | undefined {
    const wanted = name.toLowerCase();
    return this.functions.find(
      (f) =>
        f.name.toLowerCase() === wanted &&
        (!triggerType || f.trigger.type.toLowerCase() === triggerType.toLowerCase()),
    );
  }
}

class Disposable {
  constructor(private readonly onDispose: () => void = () => undefined) {}
  dispose(): void {
    this.onDispose();
  }
  static from(...items: Disposable[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
}

function triggerOf(name: string, bindings: Record<string, CoreBinding>): CoreBinding & { name: string } {
  const entry = Object.entries(bindings).find(([, b]) => /trigger$/i.test(b.type));
  if (!entry) throw new Error(`function ${name} has no trigger binding`);
  return { ...entry[1], name: entry[0] };
}

function coreApiFor(registry: Registry, log: (message: string) => void) {
  return {
    version: 'local-1.0.0',
    hostVersion: '4.0.0-local',
    Disposable,
    setProgrammingModel(model: unknown): void {
      registry.programmingModel = model;
    },
    getProgrammingModel(): unknown {
      return registry.programmingModel;
    },
    registerFunction(
      metadata: { name: string; bindings: Record<string, CoreBinding>; retryOptions?: unknown },
      callback: (...args: unknown[]) => unknown,
    ): Disposable {
      registry.functions.push({
        name: metadata.name,
        bindings: metadata.bindings,
        retryOptions: metadata.retryOptions,
        trigger: triggerOf(metadata.name, metadata.bindings),
        handler: callback,
      });
      return new Disposable();
    },
    registerHook(hookName: string, callback: RegisteredHook['callback']): Disposable {
      const hook = { hookName, callback };
      registry.hooks.push(hook);
      return new Disposable(() => registry.hooks.splice(registry.hooks.indexOf(hook), 1));
    },
    log(level: string, category: string, message: string): void {
      log(`[${category}] ${level}: ${message}`);
    },
  };
}

const REGISTRY_KEY = Symbol.for('cold-member-activation.functionsCoreRegistry');

/** The process-wide registry (one per Jest test file, whose globals are separate). */
export function currentRegistry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[REGISTRY_KEY] ??= new Registry());
}

/** The module object the worker would provide, bound to the current registry. */
export function functionsCoreModule(log: (message: string) => void = () => undefined) {
  return coreApiFor(currentRegistry(), log);
}

let installed = false;

/**
 * Supplies the worker-provided module `@azure/functions-core` by proxying `require`, as the real Node
 * worker does. Must run before the app's first `app.*` call: `@azure/functions` caches a failed lookup
 * and then stays in "test mode" for the life of the process. Idempotent: returns the same registry.
 */
export function installFunctionsCore(log: (message: string) => void = () => undefined): Registry {
  const registry = currentRegistry();
  if (installed) return registry;
  supplyFunctionsCore(coreApiFor(registry, log));
  installed = true;
  return registry;
}
