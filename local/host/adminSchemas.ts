import { z } from 'zod';

/** A message for the local queue: `body` is any JSON value (sent as JSON text) or `bodyText` verbatim. */
export const publishMessageSchema = z
  .object({
    body: z.unknown().optional(),
    bodyText: z.string().optional(),
    messageId: z.string().min(1).max(128).optional(),
    contentType: z.string().optional(),
    correlationId: z.string().optional(),
    subject: z.string().optional(),
    applicationProperties: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional(),
  })
  .refine((m) => (m.body === undefined) !== (m.bodyText === undefined), {
    message: 'give exactly one of body or bodyText',
  });

export const publishSchema = z.union([publishMessageSchema, z.array(publishMessageSchema).min(1).max(5000)]);

export const feedDropSchema = z.object({
  businessDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  version: z.number().int().min(1).default(1),
  /** The data file as UTF-8 text, or base64 for a `.csv.gz`. */
  csv: z.string().optional(),
  base64: z.string().optional(),
  container: z.string().optional(),
});

export const advanceSchema = z
  .object({ by: z.string().min(1).optional(), to: z.string().datetime({ offset: true }).optional() })
  .refine((a) => (a.by === undefined) !== (a.to === undefined), {
    message: 'give exactly one of by (e.g. "31d", "PT6H") or to (ISO instant)',
  });

export const tokenSchema = z.union([
  z.object({ member: z.string().min(1).max(200) }),
  z.object({ ops: z.literal(true) }),
  z.object({ enrolment: z.literal(true) }),
  z.object({ sub: z.string().min(1).max(200), roles: z.array(z.string().min(1)).max(20) }),
]);
