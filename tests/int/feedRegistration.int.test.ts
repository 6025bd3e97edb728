import { currentRegistry } from '../../local/functionsCore';
import '../../src/functions/feedFunctions';
import '../../src/functions/feedHttp';
import {
  FEED_APPLY_CHUNK_ACTIVITY,
  FEED_COMPLETE_ACTIVITY,
  FEED_GET_WATERMARK_ACTIVITY,
  FEED_ORCHESTRATOR,
  FEED_STOP_ACTIVITY,
  FEED_VERIFY_ACTIVITY,
} from '../../src/durableNames';

// The worker sees these bindings: the names are contracts with running instances and the infra.
describe('feed registrations', () => {
  const registry = currentRegistry();

  it('registers an Event Grid-based blob trigger on the drop container with a durable client', () => {
    const trigger = registry.find('feedManifest');
    expect(trigger?.trigger).toMatchObject({
      type: 'blobTrigger',
      path: '%FEED_CONTAINER%/{name}',
      connection: 'FeedStorage',
      source: 'EventGrid',
    });
    expect(Object.values(trigger?.bindings ?? {}).some((b) => b.type === 'durableClient')).toBe(true);
  });

  it('registers the orchestrator and its activities; only activities that signal take a durable client', () => {
    expect(registry.find(FEED_ORCHESTRATOR, 'orchestrationTrigger')).toBeDefined();
    for (const name of [
      FEED_VERIFY_ACTIVITY,
      FEED_APPLY_CHUNK_ACTIVITY,
      FEED_COMPLETE_ACTIVITY,
      FEED_STOP_ACTIVITY,
      FEED_GET_WATERMARK_ACTIVITY,
    ]) {
      expect(registry.find(name, 'activityTrigger')).toBeDefined();
    }
    const withClient = (name: string) =>
      Object.values(registry.find(name)?.bindings ?? {}).some((b) => b.type === 'durableClient');
    expect([FEED_APPLY_CHUNK_ACTIVITY, FEED_COMPLETE_ACTIVITY].every(withClient)).toBe(true);
    expect(withClient(FEED_VERIFY_ACTIVITY)).toBe(false);
  });

  it('registers the ops routes', () => {
    expect(registry.find('opsFeeds')?.trigger.route).toBe('ops/feeds');
    expect(registry.find('opsFeedDate')?.trigger.route).toBe('ops/feeds/{businessDate}');
  });
});
