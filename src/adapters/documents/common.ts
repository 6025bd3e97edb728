import { z } from 'zod';

/** A UTC instant as `Date#toISOString` writes it, so stored instants compare correctly as strings. */
export const utcInstantSchema = z.iso
  .datetime({ offset: true })
  .transform((text) => new Date(text).toISOString());

/** A local calendar date, YYYY-MM-DD. */
export const localDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** The id of the one decision/enrolment document a member has per campaign (docs/contracts.md). */
export function memberCampaignId(campaignId: string, memberId: string): string {
  return `${campaignId}:${memberId}`;
}
