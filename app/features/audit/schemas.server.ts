import { z } from "zod";
import { AUDIT_ACTIONS } from "./audit-actions";
import type { AuditCursor } from "./list-audit.server";

const blankAsUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsUndefined, schema.optional()).catch(undefined);

/** A page boundary as it travels in a link: `<UTC time to the microsecond>~<row id>`. */
const cursor = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z~\d{1,15}$/)
  .transform((value): AuditCursor => {
    const [at, id] = value.split("~") as [string, string];
    return { at, id: Number(id) };
  });

export const formatCursor = (c: AuditCursor) => `${c.at}~${c.id}`;

/** The audit page's query string (the CSV export takes the same); anything unreadable is left out. */
export const auditQuery = z.object({
  person: optional(z.string().trim().max(254)),
  patient: optional(z.string().trim().max(254)),
  action: optional(z.enum(AUDIT_ACTIONS)),
  from: optional(z.iso.date()),
  to: optional(z.iso.date()),
  after: optional(cursor),
  before: optional(cursor),
});

export type AuditQuery = z.infer<typeof auditQuery>;
