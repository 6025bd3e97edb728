import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Every place the local runtime reaches into an SDK or a global, in one module (issue 10.6).
 *
 * Each interception below depends on how one exact package version is built (a module it asks for, a
 * default it sets, a field it reads, a class it patches). It checks that version first and fails loudly
 * (`SdkVersionError`) on another: an upgrade then stops here, naming the package, instead of breaking in
 * some later, unrelated-looking way. Before upgrading one of these packages, install the new version,
 * run `LOCAL_RUNTIME_SDK_CHECK=off npm run test:canary` (every interception exercised against what is
 * installed), fix what fails, then raise the version in `WRITTEN_FOR` (local/README.md § SDK upgrades).
 *
 * | package                   | interception                                                                  |
 * | ------------------------- | ----------------------------------------------------------------------------- |
 * | `@azure/functions`        | `Module.prototype.require` supplies the worker-provided `@azure/functions-core` |
 * | `@azure/service-bus`      | `Module.prototype.require` returns the local broker's shim                     |
 * | `durable-functions`       | its own axios gets an in-process adapter; `taskOrchestratorExecutor.sequenceNumber` is read |
 * | `axios` (durable's copy)  | `defaults.adapter`, `getAdapter`, `AxiosError`                                 |
 * | `@vercel/cosmosdb-server` | internal `Items` prototype and `Account` class patched for the journal         |
 * | `azurite`                 | internal `BlobServer` / `BlobConfiguration` classes started in process        |
 * | global `Date`             | replaced by a clock-following subclass (virtual clock); no package involved   |
 */
export const WRITTEN_FOR = {
  '@azure/functions': '4.16.5',
  '@azure/service-bus': '7.9.5',
  'durable-functions': '3.5.0',
  axios: '1.21.1',
  '@vercel/cosmosdb-server': '1.0.1',
  azurite: '3.35.0',
} as const;

export type InterceptedPackage = keyof typeof WRITTEN_FOR;

/** The escape hatch: `LOCAL_RUNTIME_SDK_CHECK=off` skips the version checks (for the canary run). */
export const SDK_CHECK_ENV = 'LOCAL_RUNTIME_SDK_CHECK';

export class SdkVersionError extends Error {
  constructor(
    readonly packageName: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(
      `the local runtime intercepts ${packageName} as built in version ${expected}, but ${found} is installed. ` +
        `Run \`${SDK_CHECK_ENV}=off npm run test:canary\`, then update WRITTEN_FOR in local/interceptions.ts ` +
        `(local/README.md § SDK upgrades); ${SDK_CHECK_ENV}=off also skips this check at your own risk.`,
    );
    this.name = 'SdkVersionError';
  }
}

/** The directory of a package as Node resolves it from `from` (its package.json may not be exported). */
export function packageDir(name: string, from?: string): string {
  const options = from ? { paths: [from] } : undefined;
  let dir = dirname(require.resolve(name, options));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no package.json named ${name} above ${require.resolve(name, options)}`);
    dir = parent;
  }
}

/** The installed version of an intercepted package (axios: the copy durable-functions resolves). */
export function installedVersion(name: InterceptedPackage): string {
  const from = name === 'axios' ? packageDir('durable-functions') : undefined;
  const manifest = join(packageDir(name, from), 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Throws `SdkVersionError` unless `found` is the version the interception was written for. */
export function checkSdk(
  name: InterceptedPackage,
  found: string = installedVersion(name),
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (env[SDK_CHECK_ENV] === 'off') return;
  if (found !== WRITTEN_FOR[name]) throw new SdkVersionError(name, WRITTEN_FOR[name], found);
}

// ---- Module.prototype.require: modules supplied by the runtime ----

const supplied = new Map<string, () => unknown>();
let requireHooked = false;

/**
 * Makes `require(id)` anywhere in this process return `supply()`, as the real Node worker supplies
 * `@azure/functions-core`. One proxy on `Module.prototype.require` serves every id; the latest supplier
 * of an id wins. Jest's module system bypasses `Module.prototype.require` (see jestFunctionsCore.ts).
 */
function supplyModule(id: string, forPackage: InterceptedPackage, supply: () => unknown): void {
  checkSdk(forPackage);
  supplied.set(id, supply);
  if (requireHooked) return;
  requireHooked = true;
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  proto.require = new Proxy(proto.require, {
    apply(target, thisArg, args: [string]) {
      const supplier = supplied.get(args[0]);
      return supplier ? supplier() : Reflect.apply(target, thisArg, args);
    },
  });
}

/** `@azure/functions` v4 asks the worker for `@azure/functions-core` and registers through it. */
export function supplyFunctionsCore(core: unknown): void {
  supplyModule('@azure/functions-core', '@azure/functions', () => core);
}

/** The app's `@azure/service-bus` becomes the local broker's shim (same exports the app uses). */
export function supplyServiceBus(shim: () => unknown): void {
  supplyModule('@azure/service-bus', '@azure/service-bus', shim);
}

// ---- durable-functions: its axios, and one internal field ----

export interface AxiosConfigLike {
  url?: string;
  baseURL?: string;
  method?: string;
  data?: unknown;
  headers?: { toJSON?: () => Record<string, unknown> } & Record<string, unknown>;
  validateStatus?: (status: number) => boolean;
}
export type AxiosAdapter = (config: AxiosConfigLike) => Promise<unknown>;
export interface AxiosLike {
  defaults: { adapter?: unknown };
  getAdapter(adapter: unknown): AxiosAdapter;
  AxiosError: new (
    message: string,
    code: string,
    config: unknown,
    request: unknown,
    response: unknown,
  ) => Error;
}

/**
 * Installs `adapter(axios, http)` as the default adapter of the axios that durable-functions itself
 * resolves (the app may carry another copy), `http` being axios's own HTTP adapter. Returns the undo.
 */
export function interceptDurableAxios(
  adapter: (axios: AxiosLike, http: AxiosAdapter) => AxiosAdapter,
): () => void {
  checkSdk('durable-functions');
  checkSdk('axios');
  const from = packageDir('durable-functions');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const axios = require(require.resolve('axios', { paths: [from] })) as AxiosLike;
  const previous = axios.defaults.adapter;
  axios.defaults.adapter = adapter(axios, axios.getAdapter(previous ?? ['http']));
  return () => {
    axios.defaults.adapter = previous;
  };
}

let sequenceChecked = false;

/** The SDK's task-id counter of an orchestration invocation (internal, read only), if present. */
export function sdkSequenceNumber(context: unknown): number | undefined {
  if (!sequenceChecked) {
    checkSdk('durable-functions');
    sequenceChecked = true;
  }
  const df = (context as { df?: { taskOrchestratorExecutor?: { sequenceNumber?: unknown } } }).df;
  const value = df?.taskOrchestratorExecutor?.sequenceNumber;
  return typeof value === 'number' ? value : undefined;
}

// ---- emulator packages: internal classes ----

/** `@vercel/cosmosdb-server`'s internal modules the journal patches (`lib/account/items`, `lib/account`). */
export function cosmosServerInternals<Items, Account>(): {
  items: { default: Items };
  account: { default: Account };
} {
  checkSdk('@vercel/cosmosdb-server');
  /* eslint-disable @typescript-eslint/no-require-imports -- the emulator's internal classes */
  return {
    items: require('@vercel/cosmosdb-server/lib/account/items') as { default: Items },
    account: require('@vercel/cosmosdb-server/lib/account') as { default: Account },
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Azurite's blob server classes (it ships no types or public API for them). */
export function azuriteInternals<Server, Configuration>(): {
  BlobServer: Server;
  BlobConfiguration: Configuration;
} {
  checkSdk('azurite');
  /* eslint-disable @typescript-eslint/no-require-imports -- azurite ships no types for its server classes */
  return {
    BlobServer: (require('azurite/dist/src/blob/BlobServer') as { default: Server }).default,
    BlobConfiguration: (require('azurite/dist/src/blob/BlobConfiguration') as { default: Configuration })
      .default,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

// ---- the global Date ----

/**
 * Makes wall-clock reads in this process (`new Date()`, `Date.now()`) follow a clock, so the app's shells
 * see virtual time in the local runtime's virtual-clock mode without knowing they run locally. Dates
 * built from explicit values are untouched, and `instanceof Date` still holds for dates made before the
 * patch. Returns a function that restores the real Date. (No package: nothing to version-check.)
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
