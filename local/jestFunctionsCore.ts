// Jest resolves `@azure/functions-core` here (jest.config.js moduleNameMapper): Jest's module system
// bypasses Module.prototype.require, so the proxy in functionsCore.ts cannot supply it inside tests.
import { functionsCoreModule } from './functionsCore';

const core = functionsCoreModule((message) => process.stderr.write(`${message}\n`));
export const {
  version,
  hostVersion,
  Disposable,
  setProgrammingModel,
  getProgrammingModel,
  registerFunction,
  registerHook,
  log,
} = core;
