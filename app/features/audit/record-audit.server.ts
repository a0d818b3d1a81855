import { is, Placeholder, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "~db/client.server";
import { appointments, auditEvents, users } from "~db/schema";
import type { Role } from "~/domain/vocabulary";
import type { AuditAction, AuditEntityType } from "./audit-actions";

/** A value, or (in a statement prepared once, see `reusableStatement`) the placeholder that will carry it. */
type Given<T> = T | Placeholder;

export type AuditEntry = {
  /** Who acted; null when nobody is signed in (a failed sign-in) or for the system (seeding, scripts). */
  actorId: Given<string> | null;
  /** Their role as they acted. When left out, the account's role now (read in the same statement). */
  actorRole?: Role | null;
  action: AuditAction;
  entityType: AuditEntityType;
  /** Or, with `onlyIf`, a column of that CTE (`sql\`accepted.id\``). */
  entityId: Given<string> | SQL;
  /**
   * The patient whose record or account this is about, for the admin's filter. When left out: the
   * appointment's patient for an appointment, its note or its call; the account itself for a patient's
   * account.
   */
  patientId?: Given<string> | null;
  clientAddress?: Given<string> | null;
  /**
   * Ids, versions, times, field names: never free text a person typed (a note, a reason, an email).
   * (A placeholder carries it as JSON text.)
   */
  detail?: Given<Record<string, unknown>>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ABOUT_AN_APPOINTMENT = new Set<AuditEntityType>(["appointment", "consult_note", "consultation"]);

function patientOf(entry: AuditEntry) {
  if (entry.patientId !== undefined) return entry.patientId;
  if (typeof entry.entityId !== "string" || !UUID.test(entry.entityId)) return null;
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
 * Appends one audit event. Call it with the transaction that makes the change: if the row cannot be
 * written, the change is rolled back with it. The database stamps the time; the row is linked into the
 * chain (its position and hash) just after it commits, by `sealAuditTrail`.
 */
export async function recordAudit(db: Db, entry: AuditEntry) {
  await db.execute(auditInsert(entry));
}

/**
 * The INSERT of one audit event. With `onlyIf` (a statement's CTE name), the row is written once per row
 * that CTE yields: a write, its audit event and its live event as one statement, whose audit row exists
 * exactly when the write happened.
 */
export function auditInsert(entry: AuditEntry, onlyIf?: SQL): SQL {
  const columns: [string, unknown, string][] = [
    [auditEvents.actorId.name, entry.actorId, "uuid"],
    [auditEvents.actorRole.name, roleOf(entry), "text"],
    [auditEvents.action.name, entry.action, "text"],
    [auditEvents.entityType.name, entry.entityType, "text"],
    [auditEvents.entityId.name, entry.entityId, "text"],
    [auditEvents.patientId.name, patientOf(entry), "uuid"],
    [auditEvents.clientAddress.name, entry.clientAddress ?? null, "text"],
    [auditEvents.detail.name, is(entry.detail, Placeholder) ? entry.detail : JSON.stringify(entry.detail ?? {}), "jsonb"],
  ];
  const names = sql.join(columns.map(([name]) => sql.identifier(name)), sql`, `);
  const values = sql.join(columns.map(([, value, type]) => sql`${value}::${sql.raw(type)}`), sql`, `);
  return sql`insert into ${auditEvents} (${names}) select ${values}${onlyIf ? sql` from ${onlyIf}` : sql``}`;
}

/**
 * Links the rows that have committed into the chain (as `audit_seal()` does: one sealer at a time in the
 * whole cluster, the others return at once). Every app process calls it twice a second; `audit:verify`
 * and the tests call it before they read the chain. Returns how many rows it linked.
 */
export async function sealAuditTrail(db: Db, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = rowsOf<{ sealed: number }>(await db.execute(sql`select audit_seal(${batch}) as sealed`));
    const sealed = Number(row?.sealed ?? 0);
    total += sealed;
    if (sealed < batch) return total;
  }
}
