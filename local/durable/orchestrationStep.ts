import { randomUUID } from 'node:crypto';
import { errorText, type EngineCore } from './core';
import { applyEffects } from './effects';
import { decideEpisode, episodeTime } from './episode';
import { finishExecution, startExecution } from './executions';
import { ev } from './history';
import { invocationContextFor } from './invocation';
import { callOrchestrator, orchestrationTrigger, type EpisodeOutcome } from './orchestratorCall';
import { planCompletion, type PlanContext } from './planner';
import type { InstanceRecord, TimerRecord } from './store';
import { TERMINAL, eventTypeName } from './wire';

async function runHandler(
  core: EngineCore,
  record: InstanceRecord,
  history: InstanceRecord['history'],
): Promise<EpisodeOutcome> {
  const fn = core.registry.find(record.name, 'orchestrationTrigger');
  if (!fn) return { kind: 'failed', message: `orchestrator function '${record.name}' is not registered` };
  const trigger = orchestrationTrigger({
    history,
    input: JSON.parse(record.input) as unknown,
    instanceId: record.instanceId,
    parentInstanceId: record.parent?.instanceId ?? null,
    timers: core.timers,
  });
  try {
    return await callOrchestrator(fn.handler, trigger, invocationContextFor(fn, core.log, core.clientData));
  } catch (error) {
    return { kind: 'failed', message: `invalid orchestrator result: ${errorText(error)}` };
  }
}

/**
 * One orchestrator episode: deliver the oldest queued event of the instance, replay, and commit the new
 * history, the follow-up work and the removal of the event in one transaction. Stale events (another
 * execution, a finished instance) are dropped. A crash before the commit leaves the event queued, so the
 * episode simply runs again.
 */
export async function runEpisode(core: EngineCore, instanceId: string): Promise<void> {
  const { store } = core;
  const item = store.nextEvent(instanceId);
  if (!item) return;
  const record = store.getInstance(instanceId);
  if (
    !record ||
    TERMINAL.has(record.status) ||
    (item.executionId !== null && item.executionId !== record.executionId)
  ) {
    store.deleteEvent(item.seq);
    return;
  }
  const started = performance.now();
  const nowMs = episodeTime(core.clock.now(), record.history, item.event);
  const ctx: PlanContext = {
    nowMs,
    instanceId,
    executionId: record.executionId,
    timers: core.timers,
    newGuid: randomUUID,
  };
  const completion = planCompletion(record.planner, item.event, ctx);
  const history = [...record.history, ev.orchestratorStarted(nowMs), item.event];
  const outcome = await runHandler(core, record, history);
  const decision = decideEpisode(
    { ...record, status: record.status === 'Pending' ? 'Running' : record.status },
    history,
    completion,
    outcome,
    ctx,
    core.limits,
  );

  if (core.crashHere({ kind: 'orchestration', id: instanceId, name: record.name }) || core.halted()) return;
  let armed: TimerRecord[] = [];
  const committed = store.tx(() => {
    if (!store.putInstance(decision.record, record.version)) return false;
    store.deleteEvent(item.seq);
    armed = applyEffects(core, decision.record, decision.effects);
    if (TERMINAL.has(decision.record.status)) finishExecution(core, decision.record);
    if (decision.continueAsNew) {
      const { name, parent, createdAt } = record;
      const next = startExecution(core, {
        instanceId,
        name,
        input: decision.continueAsNew.input,
        parent,
        status: 'Running',
        createdAt,
      });
      armed = armed.filter((t) => t.executionId === next.executionId);
    }
    return true;
  });
  core.counters.add(instanceId, 'episodes');
  core.counters.add(instanceId, 'replayedEvents', record.history.length);
  const ms = (performance.now() - started).toFixed(1);
  core.log(
    `orchestrator ${record.name} ${instanceId} ${eventTypeName(item.event.EventType)} -> ${decision.record.status}${decision.continueAsNew ? ' (continued as new)' : ''} ${ms}ms${committed ? '' : ' (superseded, not committed)'}`,
  );
  if (outcome.kind === 'failed')
    core.log(`orchestrator ${record.name} ${instanceId} failed: ${outcome.message}`);
  if (committed) core.armTimers(armed);
}
