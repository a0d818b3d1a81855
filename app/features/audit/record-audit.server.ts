import type { Db } from "~db/client.server";
import { auditEvents } from "~db/schema";
import type { AuditAction } from "./audit-actions";

export type AuditEntry = {
  actorId: string | null;
  action: AuditAction;
  entityType: "appointment" | "consult_note" | "consultation" | "user";
  entityId: string;
  clientAddress?: string | null;
  detail?: Record<string, unknown>;
};

/**
 * Appends one audit event. Call it with the transaction that makes the change: if the audit row cannot
 * be written, the change is rolled back with it. Never put note text in `detail`.
 */
export async function recordAudit(db: Db, entry: AuditEntry) {
  await db.insert(auditEvents).values({
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    clientAddress: entry.clientAddress ?? null,
    detail: entry.detail ?? {},
  });
}
