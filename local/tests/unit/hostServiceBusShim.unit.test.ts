import type { NewMessage } from '../../host/messageStore';
import { MAX_MESSAGE_BYTES } from '../../host/messageSize';
import { createServiceBusModule } from '../../host/serviceBusShim';

function recordingBroker() {
  const sent: { entity: string; message: NewMessage }[] = [];
  return {
    sent,
    broker: { send: (entity: string, message: NewMessage) => void sent.push({ entity, message }) },
  };
}

describe('@azure/service-bus shim', () => {
  it("reports a queue's dead-letter count through the administration client, as the app reads it", async () => {
    const { ServiceBusAdministrationClient } = createServiceBusModule({
      send: () => undefined,
      deadLetterCount: (queue) => (queue === 'card-transactions' ? 3 : 0),
    });
    const admin = new ServiceBusAdministrationClient('Endpoint=sb://local/');
    expect(await admin.getQueueRuntimeProperties('card-transactions')).toMatchObject({
      deadLetterMessageCount: 3,
    });
    expect(await admin.getQueueRuntimeProperties('other')).toMatchObject({ deadLetterMessageCount: 0 });
  });

  it('refuses a message or an array over Service Bus Standard 256 KB, as the SDK does, sending none of it', async () => {
    const { sent, broker } = recordingBroker();
    const { ServiceBusClient, isServiceBusError } = createServiceBusModule(broker);
    const sender = new ServiceBusClient('Endpoint=sb://local/').createSender('member-progress');
    const big = 'x'.repeat(MAX_MESSAGE_BYTES + 1);
    const refused = await sender.sendMessages({ body: big }).catch((e: unknown) => e);
    expect(isServiceBusError(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'MessageSizeExceeded' });
    const half = 'y'.repeat(MAX_MESSAGE_BYTES / 2 + 1);
    await expect(sender.sendMessages([{ body: half }, { body: half }])).rejects.toMatchObject({
      code: 'MessageSizeExceeded',
    });
    expect(sent).toEqual([]);
    await sender.sendMessages({ body: 'z'.repeat(MAX_MESSAGE_BYTES - 100) });
    expect(sent).toHaveLength(1);
  });

  it('sends one message, an array or a batch to the sender entity, encoding bodies as the SDK does', async () => {
    const { sent, broker } = recordingBroker();
    const { ServiceBusClient } = createServiceBusModule(broker);
    const client = new ServiceBusClient('Endpoint=sb://local/;SharedAccessKeyName=x;SharedAccessKey=y');
    const sender = client.createSender('member-progress');
    await sender.sendMessages({
      messageId: 'cma:M-1:TARGET_REACHED:1',
      subject: 'TARGET_REACHED',
      contentType: 'application/json',
      body: { memberId: 'M-1' },
    });
    await sender.sendMessages([{ body: 'plain text' }, { body: Buffer.from('bytes') }]);
    const batch = await sender.createMessageBatch();
    expect(batch.tryAddMessage({ body: { n: 1 }, applicationProperties: { source: 'test' } })).toBe(true);
    await sender.sendMessages(batch);
    expect(sent).toEqual([
      {
        entity: 'member-progress',
        message: {
          messageId: 'cma:M-1:TARGET_REACHED:1',
          subject: 'TARGET_REACHED',
          contentType: 'application/json',
          body: '{"memberId":"M-1"}',
        },
      },
      { entity: 'member-progress', message: { body: 'plain text' } },
      { entity: 'member-progress', message: { body: 'bytes' } },
      { entity: 'member-progress', message: { body: '{"n":1}', applicationProperties: { source: 'test' } } },
    ]);
  });

  it('accepts a namespace and a credential, as with managed identity', () => {
    const { broker } = recordingBroker();
    const { ServiceBusClient } = createServiceBusModule(broker);
    expect(
      new ServiceBusClient('ns.servicebus.windows.net', { getToken: () => null }).createSender('t')
        .entityPath,
    ).toBe('t');
  });

  it('refuses to send after close and refuses a message without a body', async () => {
    const { sent, broker } = recordingBroker();
    const { ServiceBusClient, isServiceBusError } = createServiceBusModule(broker);
    const sender = new ServiceBusClient('cs').createSender('topic');
    await expect(sender.sendMessages({} as { body: unknown })).rejects.toThrow(/must have a body/);
    await sender.close();
    const closed = sender.sendMessages({ body: 1 });
    await expect(closed).rejects.toThrow(/closed/);
    await closed.catch((err: unknown) => expect(isServiceBusError(err)).toBe(true));
    expect(sent).toEqual([]);
  });

  it('does not emulate receivers', () => {
    const { ServiceBusClient } = createServiceBusModule(recordingBroker().broker);
    expect(() => new ServiceBusClient('cs').createReceiver()).toThrow(/receivers are not emulated/);
  });
});
