import { composeServices } from './services';

// Imported first by the entry point (src/index.ts): every setting is parsed before any function is
// registered. A ConfigError thrown here fails the entry point's load, which the Node worker (Node 20+)
// reports as "Worker was unable to load entry point" and the host then indexes no function at all
// (docs/operations.md); the local runtime stops before `ready` with the same message.
composeServices();
