import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { creditSchema, type Credit } from './contract';

const storedSchema = z.object({ key: z.string(), fingerprint: z.string(), credit: creditSchema });
const fileSchema = z.object({ credits: z.array(storedSchema) });
type Stored = z.infer<typeof storedSchema>;

export type CommitOutcome =
  { kind: 'CREATED'; credit: Credit } | { kind: 'REPLAY'; credit: Credit } | { kind: 'MISMATCH' };

export interface CreditRequest {
  key: string;
  memberId: string;
  points: number;
  campaignId: string;
  reference: string;
}

/**
 * Credits keyed by idempotency key. With a `dataFile` every commit is written (temp file + rename)
 * before it is acknowledged, so a killed stand-in keeps what it answered.
 */
export class CreditStore {
  private readonly byKey = new Map<string, Stored>();

  constructor(
    private readonly dataFile: string | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (dataFile && existsSync(dataFile)) {
      for (const stored of fileSchema.parse(JSON.parse(readFileSync(dataFile, 'utf8'))).credits)
        this.byKey.set(stored.key, stored);
    }
  }

  /** The same key with the same request replays the original credit; with another request it is a mismatch. */
  lookup(request: CreditRequest): CommitOutcome | undefined {
    const stored = this.byKey.get(request.key);
    if (!stored) return undefined;
    return stored.fingerprint === fingerprint(request)
      ? { kind: 'REPLAY', credit: stored.credit }
      : { kind: 'MISMATCH' };
  }

  commit(request: CreditRequest): CommitOutcome {
    const existing = this.lookup(request);
    if (existing) return existing;
    const credit: Credit = {
      creditId: randomUUID(),
      memberId: request.memberId,
      points: request.points,
      campaignId: request.campaignId,
      reference: request.reference,
      createdAt: this.now().toISOString(),
    };
    this.byKey.set(request.key, { key: request.key, fingerprint: fingerprint(request), credit });
    this.persist();
    return { kind: 'CREATED', credit };
  }

  list(): Credit[] {
    return [...this.byKey.values()].map((s) => s.credit);
  }

  clear(): void {
    this.byKey.clear();
    this.persist();
  }

  private persist(): void {
    if (!this.dataFile) return;
    const temp = `${this.dataFile}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ credits: [...this.byKey.values()] }));
    renameSync(temp, this.dataFile);
  }
}

/** What "the same body" means: member (from the path) and every body field. */
function fingerprint(request: CreditRequest): string {
  return JSON.stringify([request.memberId, request.points, request.campaignId, request.reference]);
}
