import { currentRegistry } from '../../local/functionsCore';

// Azure streams HTTP bodies only when the app calls app.setup({ enableHttpStream: true }) before the worker
// reads its capabilities; otherwise the export's stream is buffered whole in the worker. The entry point must
// make that call, and before it registers its first function.
describe('the entry point enables HTTP streams', () => {
  it('calls app.setup({ enableHttpStream: true }) before registering any function', () => {
    const registry = currentRegistry();
    const order: string[] = [];
    let setup: jest.SpyInstance | undefined;
    jest.isolateModules(() => {
      // the module instance the app will load in this registry
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { app } = require('@azure/functions') as typeof import('@azure/functions');
      setup = jest.spyOn(app, 'setup').mockImplementation((options) => {
        order.push(`setup:${JSON.stringify(options)}`);
        order.push(`functions registered before: ${registry.functions.length}`);
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../support/sampleSettings');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../src/index');
    });
    expect(setup).toHaveBeenCalledTimes(1);
    expect(order).toEqual(['setup:{"enableHttpStream":true}', 'functions registered before: 0']);
    expect(registry.functions.length).toBeGreaterThan(0);
  });
});
