import { sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, auditEvents, users } from "~db/schema";
import type { Role } from "~/features/auth/roles";
import type { AuditAction, AuditEntityType } from "./audit-actions";

export type AuditEntry = {
  /** Who acted; null when nobody is signed in (a failed sign-in) or for the system (seeding, scripts). */
  actorId: string | null;
  /** Their role as they acted. When left out, the account's role now (read in the same statement). */
  actorRole?: Role | null;
  action: AuditAction;
  entityType: AuditEntityType;
  entityId: string;
  /**
   * The patient whose record or account this is about, for the admin's filter. When left out: the
   * appointment's patient for an appointment, its note or its call; the account itself for a patient's
   * account.
   */
  patientId?: string | null;
  clientAddress?: string | null;
  /** Ids, versions, times, field names: never free text a person typed (a note, a reason, an email). */
  detail?: Record<string, unknown>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ABOUT_AN_APPOINTMENT = new Set<AuditEntityType>(["appointment", "consult_note", "consultation"]);

function patientOf(entry: AuditEntry) {
  if (entry.patientId !== undefined) return entry.patientId;
  if (!UUID.test(entry.entityId)) return null;
  if (ABOUT_AN_APPOINTMENT.has(entry.entityType)) {
    return sql`(select ${appointments.patientId} from ${appointments} where ${appointments.id} = ${entry.entityId})`;
  }
  if (entry.entityType === "user") {
    return sql`(select ${users.id} from ${users} where ${users.id} = ${entry.entityId} and ${users.role} = 'patient')`;
  }
  return null;
}

function roleOf(entry: AuditEntry) {
  if (entry.actorRole !== undefined) return entry.actorRole;
  if (!entry.actorId) return null;
  return sql`(select ${users.role}::text from ${users} where ${users.id} = ${entry.actorId})`;
}

/**
 * Appends one audit event. Call it with the transaction that makes the change, as its last statement:
 * if the row cannot be written, the change is rolled back with it; and the trigger that links the row
 * into the chain holds the chain's lock from here to commit, so the later this comes, the shorter every
 * other writer waits. The database stamps the time, the chain position and the hash.
 */
export async function recordAudit(db: Db, entry: AuditEntry) {
  await db.insert(auditEvents).values({
    actorId: entry.actorId,
    actorRole: roleOf(entry),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    patientId: patientOf(entry),
    clientAddress: entry.clientAddress ?? null,
    detail: entry.detail ?? {},
  });
}
