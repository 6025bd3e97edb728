// Prints the reason-code table of docs/operations.md (between the reason-codes markers) from the code:
//   npx tsx scripts/reason-codes.ts
import { reasonCodeTable } from '../src/reasonCodes';

process.stdout.write(`${reasonCodeTable()}\n`);
