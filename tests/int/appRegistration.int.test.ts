import '../support/sampleSettings';
import '../../src/index';
import { currentRegistry } from '../../local/functionsCore';
import {
  ACTIVITIES,
  MEMBER_CAMPAIGN_ORCHESTRATOR,
  MEMBER_CAMPAIGN_V1_ORCHESTRATOR,
  MEMBER_ENTITY,
  NOTIFY_DISPATCH_ORCHESTRATOR,
  NOTIFY_DRAIN_ACTIVITY,
  OUTBOX_ENTITY,
} from '../../src/durableNames';
import * as feedNames from '../../src/durableNames';

// The entry point is what Azure loads: a function missing from it never runs, and an orchestrator
// calling an unregistered activity fails at run time, so check every name the code calls.
describe('the Functions entry point (src/index.ts)', () => {
  const registry = currentRegistry();
  const byName = new Map(registry.functions.map((f) => [f.name, f.trigger.type]));

  it('registers every trigger of the product', () => {
    expect(Object.fromEntries(byName)).toEqual({
      [MEMBER_ENTITY]: 'entityTrigger',
      [OUTBOX_ENTITY]: 'entityTrigger',
      [MEMBER_CAMPAIGN_ORCHESTRATOR]: 'orchestrationTrigger',
      [MEMBER_CAMPAIGN_V1_ORCHESTRATOR]: 'orchestrationTrigger',
      [ACTIVITIES.recordDecision]: 'activityTrigger',
      [ACTIVITIES.issuePoints]: 'activityTrigger',
      [ACTIVITIES.recordIssuance]: 'activityTrigger',
      [ACTIVITIES.raiseAlert]: 'activityTrigger',
      enrol: 'httpTrigger',
      myProgress: 'httpTrigger',
      acknowledgeCelebration: 'httpTrigger',
      opsMember: 'httpTrigger',
      opsRedrive: 'httpTrigger',
      opsFunnel: 'httpTrigger',
      opsRebuildMemberStates: 'httpTrigger',
      opsQuarantine: 'httpTrigger',
      opsIgnoredMessages: 'httpTrigger',
      opsFeeds: 'httpTrigger',
      opsFeedDate: 'httpTrigger',
      opsExport: 'httpTrigger',
      console: 'httpTrigger',
      health: 'httpTrigger',
      cardTransactions: 'serviceBusTrigger',
      sweep: 'timerTrigger',
      [NOTIFY_DISPATCH_ORCHESTRATOR]: 'orchestrationTrigger',
      [NOTIFY_DRAIN_ACTIVITY]: 'activityTrigger',
      feedManifest: 'blobTrigger',
      [feedNames.FEED_ORCHESTRATOR]: 'orchestrationTrigger',
      [feedNames.FEED_VERIFY_ACTIVITY]: 'activityTrigger',
      [feedNames.FEED_APPLY_CHUNK_ACTIVITY]: 'activityTrigger',
      [feedNames.FEED_COMPLETE_ACTIVITY]: 'activityTrigger',
      [feedNames.FEED_STOP_ACTIVITY]: 'activityTrigger',
      [feedNames.FEED_GET_WATERMARK_ACTIVITY]: 'activityTrigger',
    });
  });

  it('serves the console on one catch-all GET route beside the API', () => {
    expect(registry.find('console')?.trigger).toMatchObject({ route: 'console/{*path}', methods: ['GET'] });
  });

  it('registers every activity the member orchestrator calls, including the feed watermark', () => {
    for (const name of Object.values(ACTIVITIES))
      expect([name, byName.get(name)]).toEqual([name, 'activityTrigger']);
  });

  it('binds the Service Bus trigger and timers to settings, not literals', () => {
    const bindingOf = (name: string) => registry.find(name)?.trigger;
    expect(bindingOf('cardTransactions')).toMatchObject({
      queueName: '%TRANSACTIONS_QUEUE%',
      connection: 'ServiceBusConnection',
    });
    expect(bindingOf('sweep')).toMatchObject({ schedule: '%SWEEP_SCHEDULE%' });
    // notifications have no timer at all: the functions that signal members wake the dispatch (issue 11.9)
    expect(registry.functions.filter((f) => f.trigger.type === 'timerTrigger').map((f) => f.name)).toEqual([
      'sweep',
    ]);
    expect(bindingOf('feedManifest')).toMatchObject({
      path: '%FEED_CONTAINER%/{name}',
      connection: 'FeedStorage',
      source: 'EventGrid',
    });
  });
});
