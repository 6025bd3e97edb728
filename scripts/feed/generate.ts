import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { FEED_HEADER } from '../../src/domain/feedRow';

/** What a generated feed looks like; every fraction is of data rows. */
export interface FeedShape {
  rows: number;
  businessDate: string;
  /** Share of rows belonging to cohort members. */
  campaignFraction: number;
  /** Share of campaign rows that are invalid (every kind of bad row, in turn). */
  badFraction: number;
  /** Share of rows repeated verbatim right after themselves. */
  duplicateFraction: number;
  /** Share of rows whose member_id and method are RFC 4180 quoted (forces the slow path). */
  quotedFraction: number;
  crlf: boolean;
  gzip: boolean;
  cohortSize: number;
  seed: number;
}

export const DEFAULT_SHAPE: FeedShape = {
  rows: 1000,
  businessDate: '2026-11-25',
  campaignFraction: 0.05,
  badFraction: 0.01,
  duplicateFraction: 0.001,
  quotedFraction: 0.01,
  crlf: false,
  gzip: false,
  cohortSize: 20_000,
  seed: 42,
};

/** Deterministic PRNG (mulberry32), so a shape always yields the same bytes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const cohortMember = (i: number): string => `M-${100000 + i}`;
const cardholder = (i: number): string => `C-${5000000 + i}`;

const TYPES: [string, string[], number][] = [
  ['PURCHASE', ['CARD', 'ONLINE'], 0.55],
  ['LOAD', ['DEBIT_CARD', 'APPLE_PAY', 'GOOGLE_PAY', 'OSKO', 'BPAY', 'BANK_TRANSFER'], 0.25],
  ['WITHDRAWAL', ['CARDHOLDER_TRANSFER', 'BANK_ACCOUNT', 'ATM'], 0.1],
  ['REFUND', ['CARD'], 0.04],
  ['FEE', ['ACCOUNT'], 0.03],
  ['ADJUSTMENT', ['MANUAL'], 0.03],
];

/** Every kind of bad row the pipeline must quarantine, as a transformation of a good row's fields. */
export const BAD_ROW_KINDS: [string, (f: string[]) => string[]][] = [
  ['bad amount', (f) => with_(f, 7, '12.345')],
  ['negative amount', (f) => with_(with_(f, 5, '-5.00'), 7, '-5.00')],
  ['bad timestamp', (f) => with_(f, 8, '2026-13-45T99:00:00')],
  ['bad status', (f) => with_(f, 4, 'DONE')],
  ['wrong business date', (f) => with_(f, 10, '2020-01-01')],
  ['settled_at on PENDING', (f) => with_(with_(f, 4, 'PENDING'), 9, f[8] ?? '')],
  ['missing column', (f) => f.slice(0, 10)],
  ['bad type', (f) => with_(f, 2, 'TELEPORT')],
];

function with_(fields: string[], i: number, value: string): string[] {
  const copy = [...fields];
  copy[i] = value;
  return copy;
}

function quote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** Builds data rows (fields) one at a time; `campaign` tells whether the row is a cohort member's. */
export function rowFactory(
  shape: FeedShape,
): (n: number) => { fields: string[]; campaign: boolean; bad: boolean } {
  const rnd = prng(shape.seed);
  let badKind = 0;
  return (n) => {
    const campaign = rnd() < shape.campaignFraction;
    const member = campaign
      ? cohortMember(Math.floor(rnd() * shape.cohortSize))
      : cardholder(Math.floor(rnd() * 2_000_000));
    let pick = rnd();
    let entry = TYPES[0] as [string, string[], number];
    for (const t of TYPES) {
      entry = t;
      if ((pick -= t[2]) < 0) break;
    }
    const [type, methods] = entry;
    const method = methods[Math.floor(rnd() * methods.length)] ?? 'CARD';
    const status = rnd() < 0.8 ? 'SETTLED' : rnd() < 0.7 ? 'PENDING' : rnd() < 0.5 ? 'FAILED' : 'REVERSED';
    const cents = 100 + Math.floor(rnd() * 200_000);
    const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    const minute = String(Math.floor(rnd() * 60)).padStart(2, '0');
    const hour = String(Math.floor(rnd() * 24)).padStart(2, '0');
    const initiated = `${shape.businessDate}T${hour}:${minute}:00+11:00`;
    const settled = status === 'PENDING' ? '' : `${shape.businessDate}T${hour}:${minute}:30+11:00`;
    let fields = [
      `T-${shape.businessDate}-${n}`,
      member,
      type,
      method,
      status,
      amount,
      'AUD',
      amount,
      initiated,
      settled,
      shape.businessDate,
    ];
    const bad = campaign && rnd() < shape.badFraction;
    if (bad) {
      const kind = BAD_ROW_KINDS[badKind++ % BAD_ROW_KINDS.length];
      if (kind) fields = kind[1](fields);
    }
    return { fields, campaign, bad };
  };
}

/** Renders one record; a quoted one quotes member_id and method, as some warehouse exports do. */
export function render(fields: string[], quoted: boolean): string {
  if (!quoted) return fields.join(',');
  return fields.map((f, i) => (i === 1 || i === 3 ? quote(f) : f)).join(',');
}

export interface GeneratedFeed {
  path: string;
  rows: number;
  campaignRows: number;
  badRows: number;
  sha256: string;
  bytes: number;
}

/** Streams a feed file to `path` (memory stays flat whatever `rows` is) and returns its manifest facts. */
export async function writeFeedFile(path: string, shape: FeedShape): Promise<GeneratedFeed> {
  const file = createWriteStream(path);
  const hash = createHash('sha256');
  let bytes = 0;
  const gzip = shape.gzip ? createGzip() : undefined;
  const out = gzip ?? file;
  if (gzip) {
    gzip.on('data', (b: Buffer) => {
      hash.update(b);
      bytes += b.length;
    });
    gzip.pipe(file);
  }
  const eol = shape.crlf ? '\r\n' : '\n';
  const next = rowFactory(shape);
  const rnd = prng(shape.seed + 1);
  let batch: string[] = [FEED_HEADER.join(',')];
  let written = 0;
  let campaignRows = 0;
  let badRows = 0;
  const flush = async (): Promise<void> => {
    const text = Buffer.from(batch.join(eol) + eol);
    batch = [];
    if (!gzip) {
      hash.update(text);
      bytes += text.length;
    }
    if (!out.write(text)) await once(out, 'drain');
  };
  for (let n = 0; written < shape.rows; n++) {
    const row = next(n);
    const text = render(row.fields, rnd() < shape.quotedFraction);
    const copies = written + 1 < shape.rows && rnd() < shape.duplicateFraction ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      batch.push(text);
      written += 1;
      if (row.campaign) campaignRows += 1;
      if (row.bad) badRows += 1;
    }
    if (batch.length >= 2000) await flush();
  }
  if (batch.length > 0) await flush();
  out.end();
  await once(file, 'close');
  return { path, rows: written, campaignRows, badRows, sha256: hash.digest('hex'), bytes };
}

/**
 * The benchmark file of `rows` rows under `dir` (CRLF, 5% campaign rows, by default a cohort of 20,000),
 * generated once and reused while its shape is unchanged.
 */
export async function ensureFeedFile(
  dir: string,
  rows: number,
  overrides: Partial<Pick<FeedShape, 'cohortSize'>> = {},
): Promise<{ path: string; shape: FeedShape }> {
  const shape: FeedShape = { ...DEFAULT_SHAPE, rows, campaignFraction: 0.05, crlf: true, ...overrides };
  const suffix = shape.cohortSize === DEFAULT_SHAPE.cohortSize ? '' : `-cohort${shape.cohortSize}`;
  const path = join(dir, `feed-${rows}${suffix}.csv`);
  const facts = `${path}.json`;
  if (!existsSync(path) || !existsSync(facts) || readFileSync(facts, 'utf8') !== JSON.stringify(shape)) {
    const started = Date.now();
    const generated = await writeFeedFile(path, shape);
    writeFileSync(facts, JSON.stringify(shape));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `generated ${path}: ${generated.rows} rows, ${(generated.bytes / 1e6).toFixed(0)} MB, ${generated.campaignRows} campaign rows in ${seconds} s`,
    );
  }
  return { path, shape };
}
