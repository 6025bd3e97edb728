import type { LocalClient, Reply } from '../../local/cli/client';
import { operations, specPath, validateResponse, validator } from './openapi';

/**
 * Wraps a local client so that every answer of the app's HTTP API (`/api/...`) is checked against
 * `openapi.yaml` as it arrives: a documented path must answer a documented status with a body of the
 * documented schema; an undocumented path may only answer a problem+json 404 or 405. A violation
 * throws, naming the request, so no end-to-end test can pass on a response the contract forbids.
 */
export interface ContractCheckedClient extends LocalClient {
  /** How many answers were checked. */
  checked(): number;
  /** The documented operations answered so far, as `METHOD /path` of openapi.yaml. */
  operationsSeen(): Set<string>;
}

export function contractCheckedClient(client: LocalClient): ContractCheckedClient {
  let checked = 0;
  const seen = new Set<string>();
  const api: LocalClient['api'] = async (method, path, opts) => {
    const reply = await client.api(method, path, opts);
    const errors = contractErrors(method, path, reply);
    if (errors.length > 0)
      throw new Error(`${method} ${path} answered outside openapi.yaml:\n  ${errors.join('\n  ')}`);
    checked += 1;
    const operation = operationOf(method, path);
    if (operation) seen.add(operation);
    return reply;
  };
  return { ...client, api, checked: () => checked, operationsSeen: () => new Set(seen) };
}

/** `METHOD /path` of the documented operation a request addresses, if any. */
export function operationOf(method: string, path: string): string | undefined {
  const documented = specPath(path);
  const key = documented && `${method.toUpperCase()} ${documented}`;
  return key && operations().some((o) => `${o.method} ${o.path}` === key) ? key : undefined;
}

/** The ways one real answer differs from `openapi.yaml`; empty when it conforms. */
export function contractErrors(method: string, path: string, reply: Reply): string[] {
  const contentType = reply.headers.get('content-type');
  if (!path.startsWith('/api/') || operationOf(method, path))
    return validateResponse(method, path, reply.status, contentType, reply.body);
  // no documented operation: only the host's own problem answers (400, 404, 405) are allowed
  const media = (contentType ?? '').split(';')[0]?.trim();
  if (![400, 404, 405].includes(reply.status) || media !== 'application/problem+json')
    return [`${method} ${path} is not a documented operation, and answered ${reply.status} ${media ?? ''}`];
  const validate = validator('/components/schemas/Problem');
  return validate(reply.body) ? [] : [`${method} ${path}: the problem body does not conform`];
}
