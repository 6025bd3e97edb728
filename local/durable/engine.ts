import { ZodError } from 'zod';
import type { Clock } from '../clock';
import type { Registry } from '../functionsCore';
import { handleClientRequest, type WebhookRequest, type WebhookResponse } from './clientApi';
import { durableClientData } from './clientData';
import { CounterBook, type DurableStats } from './counters';
import { createDelivery, type DeliveryOptions } from './delivery';
import type { EngineCore, FaultInjection, StepInfo } from './core';
import { ev } from './history';
import { AZURE_LIMITS, type EngineLimits } from './limits';
import { AZURE_STORAGE_TIMERS, type TimerSettings } from './longTimer';
import { Scheduler } from './scheduler';
import { DurableStore, type InstanceRecord, type TimerRecord } from './store';

export interface DurableEngineOptions {
  registry: Registry;
  /** better-sqlite3 file, or ':memory:'. */
  dbPath: string;
  clock: Clock;
  /** Origin the host serves webhooks on, e.g. http://127.0.0.1:7071. */
  baseUrl: string;
  log: (line: string) => void;
  taskHubName?: string;
  /** The key the host's webhook routes require; the management URLs carry it (`code=`), as in Azure. */
  systemKey?: string;
  /** Defaults to the Azure Storage provider's 6 d / 3 d. */
  timers?: TimerSettings;
  /** Activities running at once (host.json maxConcurrentActivityFunctions). Default 10. */
  maxConcurrentActivities?: number;
  /** Azure's limits (functionTimeout, batch size, actions, custom status); defaults to AZURE_LIMITS. */
  limits?: Partial<EngineLimits>;
  /** Entity message delivery: `fifo` (default) or `adversarial` (shuffled across senders, duplicated). */
  delivery?: DeliveryOptions;
  /** Test-only fault injection. */
  faults?: FaultInjection;
}

export interface DurableEngine {
  /** Resumes everything persisted: queued events, entity operations, activities, and re-arms timers. */
  start(): Promise<void>;
  /** Stops taking work, lets running work commit (up to 10 s), disarms timers and closes the store. */
  stop(): Promise<void>;
  /** Value for a `durableClient` extra input. */
  clientInputData(): Record<string, unknown>;
  /** Requests under `${baseUrl}/runtime/webhooks/durabletask/`; `path` is the part after that prefix. */
  handleWebhook(req: WebhookRequest): Promise<WebhookResponse>;
  /** Resolves when no orchestration/entity/activity work is runnable right now. */
  whenIdle(): Promise<void>;
  /** Counters since creation, in total and per instance / entity. */
  stats(): DurableStats;
  /** The stored instance with its full history (recording histories, diagnostics). */
  instance(instanceId: string): InstanceRecord | undefined;
}

const timerKey = (t: Omit<TimerRecord, 'fireAt'>): string =>
  `${t.instanceId}\u0000${t.executionId}\u0000${t.timerId}`;

/** Creates the local Durable Functions engine over the functions captured in `registry`. */
export function createDurableEngine(opts: DurableEngineOptions): DurableEngine {
  const taskHubName = opts.taskHubName ?? 'coldmemberlocal';
  const store = new DurableStore(opts.dbPath);
  const counters = new CounterBook();
  const armed = new Map<string, () => void>();
  let crashed = false;
  let closed = false;
  let started = false;
  const clientData = (): Record<string, unknown> =>
    durableClientData(opts.baseUrl, taskHubName, opts.systemKey);

  const fireTimer = (timer: TimerRecord): void => {
    armed.delete(timerKey(timer));
    if (crashed || closed) return;
    const fired = store.tx(() => {
      if (!store.deleteTimer(timer)) return false;
      store.enqueueEvent(
        timer.instanceId,
        timer.executionId,
        ev.timerFired(opts.clock.now(), timer.timerId, timer.fireAt),
      );
      return true;
    });
    if (fired) counters.add(timer.instanceId, 'timersFired');
    scheduler.wake();
  };

  const core: EngineCore = {
    store,
    registry: opts.registry,
    clock: opts.clock,
    timers: opts.timers ?? AZURE_STORAGE_TIMERS,
    limits: { ...AZURE_LIMITS, ...opts.limits },
    counters,
    delivery: createDelivery(opts.delivery),
    log: opts.log,
    clientData,
    armTimers: (timers) => {
      if (!started || crashed || closed) return;
      for (const timer of timers) {
        const key = timerKey(timer);
        if (!armed.has(key))
          armed.set(
            key,
            opts.clock.setTimer(timer.fireAt, () => fireTimer(timer)),
          );
      }
    },
    wake: () => scheduler.wake(),
    // Nothing runs before start(): the host may register routes and enqueue first.
    halted: () => crashed || closed || !started,
    crashHere: (step: StepInfo) => {
      if (!crashed && opts.faults?.crashBeforeCommit?.(step)) {
        crashed = true;
        armed.forEach((cancel) => cancel());
        armed.clear();
        opts.log(`durable engine: simulated crash before committing ${step.kind} ${step.name} ${step.id}`);
      }
      return crashed;
    },
  };
  const scheduler = new Scheduler(core, opts.maxConcurrentActivities ?? 10);
  opts.clock.addSettler(() => engine.whenIdle());

  const engine: DurableEngine = {
    async start() {
      started = true;
      if (opts.delivery?.mode === 'adversarial')
        opts.log(`durable engine: entity message delivery ${core.delivery.description}`);
      core.armTimers(store.timers());
      scheduler.wake();
      await Promise.resolve();
    },
    async stop() {
      if (closed) return;
      await scheduler.drain(10_000);
      closed = true;
      armed.forEach((cancel) => cancel());
      armed.clear();
      store.close();
    },
    clientInputData: clientData,
    async handleWebhook(req) {
      if (closed || crashed) return { status: 503, body: 'durable engine stopped' };
      try {
        return handleClientRequest(
          {
            core,
            baseUrl: opts.baseUrl,
            taskHubName,
            ...(opts.systemKey ? { systemKey: opts.systemKey } : {}),
          },
          req,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        opts.log(`durable client API ${req.method} ${req.path} failed: ${message}`);
        // Argument errors (a malformed query) are 400 in Azure's HttpApiHandler; anything else is 500.
        const badRequest = error instanceof ZodError;
        const body = {
          Message: badRequest
            ? 'One or more of the arguments submitted is incorrect'
            : 'Something went wrong while processing your request',
          ExceptionMessage: message,
        };
        return {
          status: badRequest ? 400 : 500,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        };
      }
    },
    whenIdle: () => scheduler.whenIdle(),
    stats: () => counters.snapshot(),
    instance: (instanceId) => store.getInstance(instanceId),
  };
  return engine;
}
