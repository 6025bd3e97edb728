import type { IgnoredReason, TxRejectCode } from './domain/rawTransaction';
import type { MessageRejectCode } from './domain/realtimeMessage';
import type { FeedRunReasonCode } from './feed/runs';

/** Where a code shows: the quarantine (`reason`), a feed run (`reason.code`), or the counts of ignored transactions. */
export type CodeWhere =
  'quarantine REALTIME' | 'quarantine FEED' | 'quarantine both' | 'feed run' | 'ignored count';

export interface ReasonCode {
  where: CodeWhere;
  meaning: string;
  action: string;
}

type FeedRowCode = 'ROW.COLUMN_COUNT' | 'ROW.BUSINESS_DATE' | 'ROW.CSV_QUOTING';
type LedgerCode = 'LEDGER.TYPE_MISMATCH' | 'LEDGER.MEMBER_MISMATCH' | 'TX.BODY_CONFLICT';
export type KnownReasonCode =
  TxRejectCode | MessageRejectCode | FeedRowCode | LedgerCode | FeedRunReasonCode | IgnoredReason;

const FIX_MESSAGE =
  'nothing of it was applied; ask the card platform to publish a corrected message (the overnight feed carries the transaction anyway)';
const FIX_ROW =
  'the rest of the file was applied; the row holds its member’s decision: have the warehouse send a corrected file (higher version) or re-drive the member to release the hold';
const FIX_TX = 'real-time: ' + FIX_MESSAGE + '; feed row: ' + FIX_ROW;
const IGNORED =
  'none: normal traffic; watch the trend in `GET /api/ops/realtime/ignored` (real time) and the feed report’s `ignored`';
const REDROP =
  'nothing of the file was applied; have the warehouse drop the file again (same version) or a corrected one';

/**
 * Every stable reason code the system records, with what it means and what ops do about it. The
 * compiler holds it complete for the code types (`KnownReasonCode`); a unit test holds it to every code
 * literal in `src/` and regenerates the table in docs/operations.md from it.
 */
export const REASON_CODES: Record<KnownReasonCode, ReasonCode> = {
  'MESSAGE.NOT_JSON': {
    where: 'quarantine REALTIME',
    meaning: 'the message body is not JSON',
    action: FIX_MESSAGE,
  },
  'MESSAGE.SCHEMA': {
    where: 'quarantine REALTIME',
    meaning: 'a required field is missing or has the wrong JSON type',
    action: FIX_MESSAGE,
  },
  'MESSAGE.ID_MISMATCH': {
    where: 'quarantine REALTIME',
    meaning: 'the broker messageId is not `transactionId:status` of the body',
    action: FIX_MESSAGE,
  },
  'TX.BAD_ID': {
    where: 'quarantine both',
    meaning: 'transactionId is empty, too long or has characters outside the contract',
    action: FIX_TX,
  },
  'TX.BAD_MEMBER_ID': {
    where: 'quarantine both',
    meaning: 'memberId does not match the member id pattern',
    action: FIX_TX,
  },
  'TX.BAD_TYPE': {
    where: 'quarantine both',
    meaning: 'type is not one of the known transaction types (e.g. LOAD, WITHDRAWAL, PURCHASE)',
    action: FIX_TX,
  },
  'TX.BAD_STATUS': {
    where: 'quarantine both',
    meaning: 'status is not PENDING, SETTLED, FAILED or REVERSED',
    action: FIX_TX,
  },
  'TX.BAD_METHOD': {
    where: 'quarantine both',
    meaning: 'method is empty (an unknown method is ignored and counted, not quarantined)',
    action: FIX_TX,
  },
  'TX.BAD_CURRENCY': {
    where: 'quarantine both',
    meaning: 'currency is not an ISO 4217 code',
    action: FIX_TX,
  },
  'TX.BAD_AMOUNT': {
    where: 'quarantine both',
    meaning: 'amount is not a decimal with at most two fraction digits, or is out of range',
    action: FIX_TX,
  },
  'TX.BAD_AUD_AMOUNT': {
    where: 'quarantine both',
    meaning: 'audAmount / aud_amount is not a valid non-negative AUD amount',
    action: FIX_TX,
  },
  'TX.AUD_MISMATCH': {
    where: 'quarantine both',
    meaning: 'an AUD transaction whose amount and AUD amount differ',
    action: FIX_TX,
  },
  'TX.BAD_TIMESTAMP': {
    where: 'quarantine both',
    meaning: 'initiatedAt or settledAt is not RFC 3339 with an offset',
    action: FIX_TX,
  },
  'TX.SETTLED_AT_RULE': {
    where: 'quarantine both',
    meaning: 'settledAt present on PENDING, missing on SETTLED/FAILED/REVERSED, or before initiatedAt',
    action: FIX_TX,
  },
  'ROW.COLUMN_COUNT': {
    where: 'quarantine FEED',
    meaning: 'the CSV row does not have the 11 columns of the header',
    action: FIX_ROW,
  },
  'ROW.BUSINESS_DATE': {
    where: 'quarantine FEED',
    meaning: 'the row’s business_date is not the file’s business date',
    action: FIX_ROW,
  },
  'ROW.CSV_QUOTING': {
    where: 'quarantine FEED',
    meaning: 'the row breaks RFC 4180 quoting (a quote inside an unquoted field, text after a closing quote)',
    action: FIX_ROW,
  },
  'LEDGER.TYPE_MISMATCH': {
    where: 'quarantine both',
    meaning: 'the transaction was first seen with another type; the first observation stands',
    action:
      'ask the warehouse or card platform which is right; it also shows in the member’s `contradictions`',
  },
  'LEDGER.MEMBER_MISMATCH': {
    where: 'quarantine both',
    meaning: 'the transaction was first seen for another member; the first observation stands',
    action:
      'ask the warehouse or card platform which is right; it also shows in the member’s `contradictions`',
  },
  'TX.BODY_CONFLICT': {
    where: 'quarantine REALTIME',
    meaning:
      'the same transaction and status (one messageId) arrived again with another body (e.g. amount 900 vs 100); the earlier-known one stands',
    action: 'ask the card platform which is right; it also shows in the member’s `contradictions`',
  },
  'MANIFEST.JSON': {
    where: 'feed run',
    meaning: 'the manifest is not JSON',
    action: 'have the warehouse drop a valid manifest; nothing was read',
  },
  'MANIFEST.SCHEMA': {
    where: 'feed run',
    meaning: 'a manifest field is missing or has the wrong type (e.g. `"rowCount": "0"`)',
    action: 'have the warehouse drop a valid manifest; nothing was read',
  },
  'MANIFEST.NAME': {
    where: 'feed run',
    meaning: 'the manifest names a file outside the container or not of its business date',
    action:
      'have the warehouse drop a valid manifest; nothing was read (treat a path outside the container as a security event)',
  },
  DATA_FILE_MISSING: {
    where: 'feed run',
    meaning: 'the manifest arrived but its data file is not there',
    action: 'have the warehouse upload the data file; the run starts again when it lands',
  },
  CHECKSUM_MISMATCH: {
    where: 'feed run',
    meaning: 'the data file’s SHA-256 is not the manifest’s',
    action: REDROP,
  },
  TRUNCATED: {
    where: 'feed run',
    meaning: 'the data ends inside a quoted field (a cut-off file)',
    action: REDROP,
  },
  GZIP_CORRUPT: { where: 'feed run', meaning: 'the .csv.gz does not decompress', action: REDROP },
  HEADER_MISMATCH: { where: 'feed run', meaning: 'the header is not the SPEC §7 header', action: REDROP },
  ROW_COUNT_MISMATCH: {
    where: 'feed run',
    meaning: 'the file has another number of rows than the manifest says',
    action: REDROP,
  },
  VERSION_CONFLICT: {
    where: 'feed run',
    meaning: 'another file with the same business date and version was already applied',
    action: 'a correction needs a higher version; ask the warehouse',
  },
  DATA_CHANGED: {
    where: 'feed run',
    meaning: 'the verified data blob changed while chunks were read',
    action: REDROP,
  },
  SUPERSEDED: {
    where: 'feed run',
    meaning: 'a higher version of the date arrived and replaced this run',
    action: 'none: the higher version holds the date',
  },
  NON_CAMPAIGN_MEMBER: {
    where: 'ignored count',
    meaning: 'a valid transaction of a member not enrolled: acknowledged, counted, not kept',
    action: IGNORED,
  },
  NON_QUALIFYING_TYPE: {
    where: 'ignored count',
    meaning:
      'a valid spending transaction (PURCHASE, REFUND, FEE, ADJUSTMENT): acknowledged, counted, not kept',
    action: IGNORED,
  },
  UNKNOWN_METHOD: {
    where: 'ignored count',
    meaning:
      'a valid load or withdrawal by a method not listed for its type: acknowledged, counted, not kept',
    action:
      'none per message; a rising count means the card platform added a method the campaign does not know: ask product whether it should count',
  },
};

/** The Markdown table of {@link REASON_CODES}, as docs/operations.md shows it. */
export function reasonCodeTable(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = Object.entries(REASON_CODES).map(
    ([code, c]) => `| \`${code}\` | ${c.where} | ${cell(c.meaning)} | ${cell(c.action)} |`,
  );
  return ['| code | where | meaning | ops action |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
