/** The local Durable Functions engine: runs captured orchestrations, entities and activities over SQLite. */
export { createDurableEngine, type DurableEngine, type DurableEngineOptions } from './engine';
export type { WebhookRequest, WebhookResponse } from './clientApi';
export { WEBHOOK_PREFIX, durableClientData } from './clientData';
export type { DurableCounters, DurableStats } from './counters';
export type { FaultInjection, StepInfo } from './core';
export { AZURE_STORAGE_TIMERS, type TimerSettings } from './longTimer';
export { AZURE_LIMITS, parseTimeSpanMs, type EngineLimits } from './limits';
