import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { formatCents } from '../../../domain';
import type { RewardDoc } from '../../../adapters/ports';
import type { HttpDeps } from '../deps';
import { requireRole } from '../identity';

export const EXPORT_COLUMNS = [
  'member_id',
  'decision',
  'decided_at',
  'confirmed_aud',
  'points',
  'issuance_status',
  'credit_id',
  'issued_at',
] as const;

const EXPORT_CONCURRENCY = 16;

/** A leading =, +, @, tab or a - that starts no number: a spreadsheet would run the field as a formula. */
const FORMULA = /^[=+@\t\r]|^-(?!\d)/;

/** RFC 4180: quoted only when needed; a would-be formula gets a leading apostrophe so it stays text. */
export function csvField(value: string | number | undefined): string {
  const raw = value === undefined ? '' : String(value);
  const text = FORMULA.test(raw) ? `'${raw}` : raw;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (fields: (string | number | undefined)[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** The confirmed total the decision was made on (the reward document's evidence), in cents. */
function confirmedCentsOf(doc: RewardDoc): number {
  const cents = doc.evidence?.['confirmedCents'];
  return typeof cents === 'number' && Number.isSafeInteger(cents) ? cents : 0;
}

/**
 * The rows of the finance export, one member page at a time (the decisions of the campaign, in the
 * members' order), then a TOTAL row: decisions, confirmed AUD, points issued, credits. Money from
 * integer cents; the points total counts issued credits only, so it matches the points statement.
 */
export async function* exportLines(deps: HttpDeps): AsyncGenerator<string> {
  const { repos, settings } = deps.services;
  const campaignId = settings.campaign.campaignId;
  let decisions = 0;
  let confirmedCents = 0;
  let pointsIssued = 0;
  let credits = 0;
  yield csvLine([...EXPORT_COLUMNS]);
  for await (const page of repos.members.listIdsByCampaign(campaignId)) {
    for (let i = 0; i < page.length; i += EXPORT_CONCURRENCY) {
      const docs = await Promise.all(
        page.slice(i, i + EXPORT_CONCURRENCY).map((id) => repos.rewards.get(campaignId, id)),
      );
      for (const doc of docs) {
        if (!doc) continue;
        const issued = doc.issuance?.status === 'ISSUED';
        decisions += 1;
        confirmedCents += confirmedCentsOf(doc);
        if (issued) {
          pointsIssued += doc.points ?? 0;
          credits += 1;
        }
        yield csvLine([
          doc.memberId,
          doc.decision,
          doc.decidedAt,
          formatCents(confirmedCentsOf(doc)),
          doc.points,
          doc.issuance?.status,
          doc.issuance?.creditId,
          issued ? doc.issuance?.updatedAt : undefined,
        ]);
      }
    }
  }
  yield csvLine([
    'TOTAL',
    `${decisions} decisions`,
    '',
    formatCents(confirmedCents),
    pointsIssued,
    `${credits} issued`,
    '',
    '',
  ]);
}

function streamOf(lines: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}

/**
 * GET /api/ops/export: the campaign's decisions and rewards as CSV for finance, ending with a TOTAL row to
 * reconcile against the points system's statement. Streamed: one member page is read at a time and sent
 * as it is written (HTTP streams are enabled in `src/app/startUp.ts`), so memory does not grow with the cohort.
 */
export function opsExport(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return Promise.resolve(caller.response);
  const day = deps.services.now().slice(0, 10);
  return Promise.resolve({
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${deps.services.settings.campaign.campaignId}-rewards-${day}.csv"`,
      'cache-control': 'no-store',
    },
    body: streamOf(exportLines(deps)),
  });
}
