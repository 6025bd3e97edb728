import {
  app,
  type HttpHandler,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import * as df from 'durable-functions';
import { campaignClientOf } from '../app/durableClient';
import { services } from '../app/services';
import type { HttpDeps } from './http/deps';
import { enrol } from './http/handlers/enrolments';
import { opsExport } from './http/handlers/export';
import { health, healthProbe, standardChecks } from './http/handlers/health';
import { opsIgnoredMessages } from './http/handlers/ignored';
import { acknowledgeCelebration, myProgress } from './http/handlers/me';
import { opsRebuildMemberStates } from './http/handlers/memberStates';
import { opsFunnel, opsMember, opsQuarantine, opsRedrive } from './http/handlers/ops';
import { problem } from './http/problem';

type Handler = (request: HttpRequest, deps: HttpDeps) => Promise<HttpResponseInit>;

/** Binds a handler to the process's services and the durable client; an unexpected error becomes a 500 problem. */
function withDeps(handler: Handler): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext) => {
    try {
      return await handler(request, { services: services(), client: campaignClientOf(context) });
    } catch (error) {
      context.error(`${request.method} ${new URL(request.url).pathname} failed`, error);
      return problem(500, 'INTERNAL', 'the request could not be completed; it is safe to retry');
    }
  };
}

const durable = { extraInputs: [df.input.durableClient()] };

app.http('enrol', {
  methods: ['POST'],
  route: 'enrolments',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(enrol),
});
app.http('myProgress', {
  methods: ['GET'],
  route: 'me/progress',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(myProgress),
});
app.http('acknowledgeCelebration', {
  methods: ['POST'],
  route: 'me/celebrations/{kind}/ack',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(acknowledgeCelebration),
});
app.http('opsMember', {
  methods: ['GET'],
  route: 'ops/members/{memberId}',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(opsMember),
});
app.http('opsRedrive', {
  methods: ['POST'],
  route: 'ops/members/{memberId}/redrive',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(opsRedrive),
});
app.http('opsFunnel', {
  methods: ['GET'],
  route: 'ops/funnel',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(opsFunnel),
});
app.http('opsRebuildMemberStates', {
  methods: ['POST'],
  route: 'ops/member-states/rebuild',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(opsRebuildMemberStates),
});
app.http('opsIgnoredMessages', {
  methods: ['GET'],
  route: 'ops/realtime/ignored',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(opsIgnoredMessages),
});
app.http('opsQuarantine', {
  methods: ['GET'],
  route: 'ops/quarantine',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(opsQuarantine),
});
app.http('opsExport', {
  methods: ['GET'],
  route: 'ops/export',
  authLevel: 'anonymous',
  ...durable,
  handler: withDeps(opsExport),
});
/** One probe per process: at most one round of dependency checks every HEALTH_TTL_MS. */
const probeDependencies = healthProbe(standardChecks(services));

app.http('health', {
  methods: ['GET'],
  route: 'health',
  authLevel: 'anonymous',
  handler: (request: HttpRequest) => health(request, probeDependencies),
});
