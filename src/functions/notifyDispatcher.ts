import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { campaignClientOf } from '../app/durableClient';
import { drainShard } from '../app/notifyDrain';
import { services } from '../app/services';
import { NOTIFY_DRAIN_CONTRACT, type DrainReport } from '../orchestrators/notifyDispatch';

// One pass of a shard's notification dispatch (src/orchestrators/notifyDispatch.ts): no timer anywhere.
df.app.activity(NOTIFY_DRAIN_CONTRACT.name, {
  extraInputs: [df.input.durableClient()],
  handler: async (input: unknown, context: InvocationContext): Promise<DrainReport> => {
    const { shard } = NOTIFY_DRAIN_CONTRACT.input.parse(input);
    const report = await drainShard({ services: services(), client: campaignClientOf(context) }, shard, (l) =>
      context.warn(l),
    );
    if (report.published > 0) context.log(`NOTIFY shard=${shard} published=${report.published}`);
    return report;
  },
});
