import { app } from '@azure/functions';
import { composeServices } from './services';

// Imported first by the entry point (src/index.ts): every setting is parsed before any function is
// registered. A ConfigError thrown here fails the entry point's load, which the Node worker (Node 20+)
// reports as "Worker was unable to load entry point" and the host then indexes no function at all
// (docs/operations.md); the local runtime stops before `ready` with the same message.
composeServices();

// HTTP bodies stream between the host and the worker instead of being buffered whole over gRPC, so the
// finance export (GET /api/ops/export) reaches the caller page by page whatever the cohort. App-wide, and
// before any function is registered (the library locks its setup when the worker reads its capabilities);
// needs Functions host 4.28+ (Flex Consumption runs the current host) and @azure/functions 4.3+.
app.setup({ enableHttpStream: true });
