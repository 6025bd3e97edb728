import { z } from 'zod';
import * as app from '../../src/adapters/points/contract';
import * as standIn from '../../local/points/contract';

// The points contract (SPEC §7) is external: the app's client and the local stand-in each hold a copy
// (local/ depends on the app only through the registrations it loads). The copies must not drift.
describe('the points contract: app client and local stand-in agree', () => {
  it.each(['creditRequestSchema', 'creditSchema'] as const)('%s', (name) => {
    expect(z.toJSONSchema(standIn[name])).toEqual(z.toJSONSchema(app[name]));
  });
});
