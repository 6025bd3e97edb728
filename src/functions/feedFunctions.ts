import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { CohortCache, createFeedActivities, type FeedActivities } from '../feed/activities';
import type { CampaignWakes, MemberSignals } from '../feed/ports';
import {
  FEED_APPLY_CHUNK_ACTIVITY,
  FEED_COMPLETE_ACTIVITY,
  FEED_GET_WATERMARK_ACTIVITY,
  FEED_ORCHESTRATOR,
  FEED_STOP_ACTIVITY,
  FEED_VERIFY_ACTIVITY,
} from '../durableNames';
import { onFeedBlob } from '../feed/trigger';
import { feedIngestion } from '../orchestrators/feedIngestion';
import { campaignClientOf, durableClientOf } from '../app/durableClient';
import { wakeNotifyQuietly } from '../app/notifyWake';
import { wakeAfterFeedRun } from '../app/campaignWake';
import { feedComposition, services } from '../app/services';
import { durableSignals, durableStarter } from './feedServices';

// The overnight feed (docs/feed.md): manifest trigger → feedIngestion → verify, chunks, complete.
const durableClient = df.input.durableClient();

const cohortCache = new CohortCache();

/**
 * The activities, signalling through this invocation's durable client (members signalled are added to
 * `touched`); the cohort cache is per process.
 */
function feedActivities(context: InvocationContext, touched?: Set<string>): FeedActivities {
  const needsSignals = context.extraInputs.get(durableClient) !== undefined;
  const signals = needsSignals ? durableSignals(durableClientOf(context), touched) : noSignals;
  const { base, settings } = feedComposition();
  const wakes = needsSignals ? campaignWakes(context, settings.campaignId) : undefined;
  return createFeedActivities(
    { ...base, signals, ...(wakes ? { wakes } : {}) },
    settings.campaignId,
    cohortCache,
  );
}

/** A completed run wakes the campaigns it concerns through this invocation's durable client. */
function campaignWakes(context: InvocationContext, campaignId: string): CampaignWakes {
  return {
    afterRun: (change) =>
      wakeAfterFeedRun(
        {
          memberStates: services().repos.memberStates,
          client: campaignClientOf(context),
          campaignId,
          now: services().now,
        },
        change,
      ),
  };
}

/** Runs an activity that signals members, then wakes those members' notification shards. */
async function signallingMembers<T>(
  context: InvocationContext,
  run: (activities: FeedActivities) => Promise<T>,
): Promise<T> {
  const touched = new Set<string>();
  const result = await run(feedActivities(context, touched));
  if (touched.size > 0)
    await wakeNotifyQuietly(campaignClientOf(context), touched, (line) => context.warn(line));
  return result;
}

const noSignals: MemberSignals = {
  applyFeedBatch: () => Promise.reject(new Error('this activity has no durable client to signal with')),
  hold: () => Promise.reject(new Error('this activity has no durable client to signal with')),
};

app.storageBlob('feedManifest', {
  path: '%FEED_CONTAINER%/{name}',
  connection: 'FeedStorage',
  // Event Grid-based trigger; the subscription filters on `.manifest.json` (infra), so data files of
  // millions of rows are never handed to the binding, which would buffer them.
  source: 'EventGrid',
  extraInputs: [durableClient],
  handler: async (blob: unknown, context: InvocationContext) => {
    const name = String(context.triggerMetadata?.name ?? '');
    const content = Buffer.isBuffer(blob)
      ? blob
      : typeof blob === 'string'
        ? blob
        : Buffer.from(JSON.stringify(blob ?? ''));
    await onFeedBlob(
      name,
      content,
      feedComposition().settings,
      durableStarter(durableClientOf(context)),
      context,
      { runs: feedComposition().base.runs, now: feedComposition().base.now },
    );
  },
});

df.app.orchestration(FEED_ORCHESTRATOR, feedIngestion);

df.app.activity(FEED_VERIFY_ACTIVITY, {
  handler: (input: unknown, context: InvocationContext) => feedActivities(context).verify(input, context),
});
df.app.activity(FEED_APPLY_CHUNK_ACTIVITY, {
  extraInputs: [durableClient],
  handler: (input: unknown, context: InvocationContext) =>
    signallingMembers(context, (a) => a.applyChunk(input, context)),
});
df.app.activity(FEED_COMPLETE_ACTIVITY, {
  extraInputs: [durableClient],
  handler: (input: unknown, context: InvocationContext) =>
    signallingMembers(context, (a) => a.complete(input, context)),
});
df.app.activity(FEED_STOP_ACTIVITY, {
  handler: (input: unknown, context: InvocationContext) => feedActivities(context).stop(input, context),
});
df.app.activity(FEED_GET_WATERMARK_ACTIVITY, {
  handler: (_input: unknown, context: InvocationContext) => feedActivities(context).getWatermark(),
});
