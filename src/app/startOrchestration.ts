import type { DurableClient } from 'durable-functions';
import { z } from 'zod';
import type { DurableContract } from '../orchestrators/durableCalls';

/**
 * Starts an orchestration by its contract (its name, and its input checked by the contract's input
 * schema): an input the orchestrator would refuse on its first replay is refused here, before anything
 * starts. The input is sent as given, not as parsed, so the orchestrator parses exactly what was sent.
 */
export async function startOrchestration<I extends z.ZodType, O extends z.ZodType>(
  client: Pick<DurableClient, 'startNew'>,
  c: DurableContract<I, O>,
  instanceId: string,
  input: z.input<I>,
): Promise<void> {
  const parsed = c.input.safeParse(input);
  if (!parsed.success) {
    throw new Error(
      `${c.name} ${instanceId}: input refused by its contract: ${z.prettifyError(parsed.error)}`,
    );
  }
  await client.startNew(c.name, { instanceId, input });
}
