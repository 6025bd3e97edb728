import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import {
  InvocationContext,
  type FunctionInput,
  type FunctionOutput,
  type FunctionTrigger,
} from '@azure/functions';
import type { RegisteredFunction } from '../functionsCore';

const DURABLE_CLIENT_TYPES = new Set(['durableclient', 'orchestrationclient']);

/** Splits captured bindings the way `@azure/functions` does (`converters/fromRpcBindings.ts`). */
function bindingOptions(fn: RegisteredFunction): {
  trigger: FunctionTrigger;
  return?: FunctionOutput;
  extraInputs: FunctionInput[];
  extraOutputs: FunctionOutput[];
} {
  const extraInputs: FunctionInput[] = [];
  const extraOutputs: FunctionOutput[] = [];
  let output: FunctionOutput | undefined;
  for (const [name, binding] of Object.entries(fn.bindings)) {
    const entry = { ...binding, name };
    if (name === fn.trigger.name) continue;
    if (name === '$return') output = entry;
    else if (binding.direction === 'in') extraInputs.push(entry);
    else extraOutputs.push(entry);
  }
  return { trigger: { ...fn.trigger }, ...(output ? { return: output } : {}), extraInputs, extraOutputs };
}

/**
 * A fresh InvocationContext for one call of a captured durable function. Fresh every time: the SDK
 * keeps `context.df` once set, so a reused context would replay the wrong instance. Every
 * `durableClient` extra input is filled with `clientData` so `df.getClient(context)` works.
 */
export function invocationContextFor(
  fn: RegisteredFunction,
  log: (line: string) => void,
  clientData: () => Record<string, unknown>,
): InvocationContext {
  const options = bindingOptions(fn);
  const context = new InvocationContext({
    invocationId: randomUUID(),
    functionName: fn.name,
    logHandler: (level, ...args) => log(`[${fn.name}] ${level}: ${format(...args)}`),
    options,
  });
  for (const input of options.extraInputs) {
    if (DURABLE_CLIENT_TYPES.has(String(input.type).toLowerCase()))
      context.extraInputs.set(input, clientData());
  }
  return context;
}
