import { z } from 'zod';
import { DateTime } from 'luxon';

const MANIFEST_NAME = /^transactions-(\d{4}-\d{2}-\d{2})\.manifest\.json$/;
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => DateTime.fromISO(d, { zone: 'utc' }).isValid, 'must be a real calendar date');

/** SPEC §7 control file. Unknown fields are ignored; `version` defaults to 1. */
export const manifestSchema = z
  .object({
    businessDate: localDate,
    file: z
      .string()
      .regex(
        /^transactions-\d{4}-\d{2}-\d{2}\.csv(\.gz)?$/,
        'must be transactions-YYYY-MM-DD.csv or .csv.gz',
      ),
    rowCount: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
    version: z.number().int().positive().default(1),
  })
  .refine((m) => m.file.startsWith(`transactions-${m.businessDate}.`), {
    message: 'file must be the data file of the same business date',
    path: ['file'],
  });

export type Manifest = z.infer<typeof manifestSchema>;

/** The business date a blob name announces, if it is a manifest; data files and others are not. */
export function manifestDateOf(blobName: string): string | undefined {
  return MANIFEST_NAME.exec(blobName)?.[1];
}

export type ManifestParse =
  | { ok: true; manifest: Manifest }
  | { ok: false; code: 'MANIFEST.JSON' | 'MANIFEST.SCHEMA' | 'MANIFEST.NAME'; detail: string };

/** Parses a manifest's bytes and checks that its business date is the one in its blob name. */
export function parseManifest(blobName: string, text: string): ManifestParse {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { ok: false, code: 'MANIFEST.JSON', detail: `not JSON: ${(error as Error).message}` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, code: 'MANIFEST.SCHEMA', detail };
  }
  if (manifestDateOf(blobName) !== parsed.data.businessDate) {
    return {
      ok: false,
      code: 'MANIFEST.NAME',
      detail: `${blobName} does not announce businessDate ${parsed.data.businessDate}`,
    };
  }
  return { ok: true, manifest: parsed.data };
}

/** `{businessDate}:v{version}:{sha256 first 12}`: one per distinct file, so re-drops land on it. */
export function runIdOf(m: Pick<Manifest, 'businessDate' | 'version' | 'sha256'>): string {
  return `${m.businessDate}:v${m.version}:${m.sha256.slice(0, 12)}`;
}

/** Deterministic orchestration instance id (docs/contracts.md): starting it twice is a no-op. */
export function feedInstanceId(m: Pick<Manifest, 'businessDate' | 'version' | 'sha256'>): string {
  return `feed:${runIdOf(m)}`;
}
