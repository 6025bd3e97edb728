import { randomUUID } from 'node:crypto';
import { managementPayload } from './clientData';
import type { EngineCore } from './core';
import { startExecution, terminate } from './executions';
import { ev } from './history';
import { decodeToken, encodeToken, filterFromQuery, statusPayload } from './statusView';
import { TERMINAL, schedulerId } from './wire';

export interface WebhookRequest {
  method: string;
  /** The part after `/runtime/webhooks/durabletask/`, e.g. `instances/abc`. */
  path: string;
  query: URLSearchParams;
  body: string;
  /** Lower-case header names; `x-ms-continuation-token` pages the list API. */
  headers?: Record<string, string | undefined>;
}

export interface WebhookResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface ClientApiDeps {
  core: EngineCore;
  baseUrl: string;
  taskHubName: string;
  /** The key the management URLs carry (`code=`), as Azure's carry the system key. */
  systemKey?: string;
}

const PAGE_SIZE = 100;
const jsonResponse = (
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): WebhookResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(value),
});
const empty = (status: number): WebhookResponse => ({ status });
// Azure's HttpApiHandler answers argument errors with 400 and anything else with 500, in this shape.
const apiError = (
  status: number,
  message: string,
  exceptionMessage: string,
  exceptionType?: string,
): WebhookResponse =>
  jsonResponse(status, {
    Message: message,
    ExceptionMessage: exceptionMessage,
    ...(exceptionType ? { ExceptionType: exceptionType } : {}),
  });

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const flag = (query: URLSearchParams, name: string, fallback: boolean): boolean => {
  const value = query.get(name);
  return value === null ? fallback : value.toLowerCase() === 'true';
};

function start(
  deps: ClientApiDeps,
  name: string,
  givenId: string | undefined,
  body: string,
): WebhookResponse {
  const { core } = deps;
  if (!core.registry.find(name, 'orchestrationTrigger')) {
    return apiError(
      400,
      'One or more of the arguments submitted is incorrect',
      `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
    );
  }
  if (
    givenId !== undefined &&
    (givenId.startsWith('@') || /[/\\?#\p{Cc}]/u.test(givenId) || givenId.length > 256)
  ) {
    return apiError(
      400,
      'One or more of the arguments submitted is incorrect',
      'Orchestration instance ids must not start with @ or contain /, \\, #, ?, or control characters.',
    );
  }
  if (body !== '' && !isJson(body)) return apiError(400, 'Invalid JSON content', 'Invalid JSON content');
  const instanceId = givenId ?? randomUUID().replace(/-/g, '');
  const input: unknown = body === '' ? null : JSON.parse(body);
  const existing = core.store.tx(() => {
    const current = core.store.getInstance(instanceId);
    // OverridableExistingInstanceStates defaults to NonRunningStates: only a finished instance is replaced.
    if (current && !TERMINAL.has(current.status)) return current.status;
    startExecution(core, { instanceId, name, input, parent: null, status: 'Pending' });
    return undefined;
  });
  if (existing) {
    return apiError(
      500,
      'Something went wrong while processing your request',
      `An Orchestration instance with the status ${existing} already exists.`,
      'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException',
    );
  }
  core.wake();
  const payload = managementPayload(deps.baseUrl, deps.taskHubName, instanceId, deps.systemKey);
  return jsonResponse(202, payload, { location: payload.statusQueryGetUri ?? '', 'retry-after': '10' });
}

function status(deps: ClientApiDeps, instanceId: string, query: URLSearchParams): WebhookResponse {
  deps.core.counters.add(instanceId, 'statusQueries');
  const record = deps.core.store.getInstance(instanceId);
  if (!record) return empty(404);
  const options = {
    showInput: flag(query, 'showInput', true),
    showHistory: flag(query, 'showHistory', false),
    showHistoryOutput: flag(query, 'showHistoryOutput', false),
  };
  const running = !TERMINAL.has(record.status);
  const code = running
    ? 202
    : record.status === 'Failed' && flag(query, 'returnInternalServerErrorOnFailure', false)
      ? 500
      : 200;
  return jsonResponse(code, statusPayload(record, options), running ? { 'retry-after': '5' } : {});
}

function list(deps: ClientApiDeps, req: WebhookRequest): WebhookResponse {
  const offset = decodeToken(
    req.headers?.['x-ms-continuation-token'] ?? req.query.get('continuationToken') ?? undefined,
  );
  const size = Number(req.query.get('top') ?? PAGE_SIZE) || PAGE_SIZE;
  const page = deps.core.store.listInstances(filterFromQuery(req.query), offset, size + 1);
  const options = {
    showInput: flag(req.query, 'showInput', true),
    showHistory: false,
    showHistoryOutput: false,
  };
  const body = page.slice(0, size).map((r) => statusPayload(r, options));
  // Only a page with more behind it carries a token: the SDK keeps requesting while one is present.
  return jsonResponse(
    200,
    body,
    page.length > size ? { 'x-ms-continuation-token': encodeToken(offset + size) } : {},
  );
}

function raiseEvent(
  deps: ClientApiDeps,
  instanceId: string,
  eventName: string,
  body: string,
): WebhookResponse {
  const { core } = deps;
  const record = core.store.getInstance(instanceId);
  if (!record) return empty(404);
  if (TERMINAL.has(record.status)) return empty(410);
  if (body !== '' && !isJson(body)) return apiError(400, 'Invalid JSON content', 'Invalid JSON content');
  core.store.enqueueEvent(
    instanceId,
    null,
    ev.eventRaised(core.clock.now(), eventName, body === '' ? 'null' : body),
  );
  core.wake();
  return empty(202);
}

function purge(deps: ClientApiDeps, target: { instanceId: string } | URLSearchParams): WebhookResponse {
  const store = deps.core.store;
  const deleted = store.tx(() =>
    store.purge(target instanceof URLSearchParams ? filterFromQuery(target) : target),
  );
  return deleted === 0 ? empty(404) : jsonResponse(200, { instancesDeleted: deleted });
}

function entity(deps: ClientApiDeps, req: WebhookRequest, name: string, key: string): WebhookResponse {
  const { core } = deps;
  const entityId = schedulerId(name, key);
  if (req.method === 'GET') {
    core.counters.add(entityId, 'entityStateReads');
    const record = core.store.getEntity(entityId);
    // ReadEntityStateAsync answers EntityExists = (serialized state != null): an entity that exists
    // without state (an operation only returned a value) reads as 404 on Azure, too.
    return record?.exists && record.state !== null
      ? { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: record.state }
      : empty(404);
  }
  const op = req.method === 'DELETE' ? 'delete' : (req.query.get('op') ?? '');
  // Azure treats a non-JSON body as a string input.
  const input = req.body === '' ? undefined : isJson(req.body) ? req.body : JSON.stringify(req.body);
  core.store.enqueueEntityMessage(entityId, { requestId: randomUUID(), op, input, signal: true });
  core.wake();
  return empty(202);
}

/**
 * The durable client HTTP API (the routes `df.getClient` uses with `rpcBaseUrl`), answering with the
 * status codes of the extension's HttpApiHandler. Suspend, resume, rewind and restart are not emulated (501).
 */
export function handleClientRequest(deps: ClientApiDeps, req: WebhookRequest): WebhookResponse {
  const parts = req.path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map(decodeURIComponent);
  const [root, a, b, c] = parts;
  const method = req.method.toUpperCase();
  if (root === 'orchestrators' && a && parts.length <= 3 && method === 'POST')
    return start(deps, a, b, req.body);
  if (
    root === 'entities' &&
    a &&
    b !== undefined &&
    parts.length === 3 &&
    ['GET', 'POST', 'DELETE'].includes(method)
  )
    return entity(deps, { ...req, method }, a, b);
  if (root !== 'instances') return empty(404);
  if (a === undefined || a === '') {
    if (method === 'GET') return list(deps, req);
    if (method === 'DELETE') return purge(deps, req.query);
    return empty(404);
  }
  if (b === undefined) {
    if (method === 'GET') return status(deps, a, req.query);
    if (method === 'DELETE') return purge(deps, { instanceId: a });
    return empty(404);
  }
  if (method !== 'POST') return empty(404);
  if (b === 'raiseEvent' && c) return raiseEvent(deps, a, c, req.body);
  if (b === 'terminate') {
    if (!deps.core.store.getInstance(a)) return empty(404);
    const ended = terminate(deps.core, a, req.query.get('reason') ?? '');
    deps.core.wake();
    return empty(ended ? 202 : 410);
  }
  if (['suspend', 'resume', 'rewind', 'restart'].includes(b))
    return apiError(501, 'Not implemented', `'${b}' is not emulated by the local durable engine`);
  return empty(404);
}
