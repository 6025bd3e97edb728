import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { currentRegistry } from '../../functionsCore';

// The local host depends on capturing registrations exactly as the Functions worker would see them.
describe('functions-core capture', () => {
  it('captures HTTP, durable and queue registrations with their trigger bindings', () => {
    app.http('hello', { route: 'hello/{name}', handler: async () => ({ status: 204 }) });
    df.app.orchestration('orch', function* (context) {
      yield context.df.createTimer(new Date(0));
    });
    df.app.entity('Counter', () => undefined);
    app.serviceBusQueue('sb', { connection: 'SB', queueName: 'q', handler: async () => undefined });

    const registry = currentRegistry();
    expect(registry.functions.map((f) => [f.name, f.trigger.type])).toEqual([
      ['hello', 'httpTrigger'],
      ['orch', 'orchestrationTrigger'],
      ['Counter', 'entityTrigger'],
      ['sb', 'serviceBusTrigger'],
    ]);
    expect(registry.find('counter', 'entityTrigger')?.name).toBe('Counter');
    expect(registry.find('hello')?.trigger.route).toBe('hello/{name}');
  });
});
