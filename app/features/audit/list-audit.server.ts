import { and, desc, asc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "~db/client.server";
import { auditEvents, users } from "~db/schema";
import type { MessageKey } from "~/i18n";
import { addDays, zonedToInstant } from "~/utils/zoned-time";
import type { AuditAction } from "./audit-actions";
import type { AuditQuery } from "./schemas.server";

/** What the admin filters by; every field narrows. Person and patient are account ids. */
export type AuditFilter = {
  actorId?: string;
  patientId?: string;
  action?: AuditAction;
  /** Instants: [from, until). */
  from?: Date;
  until?: Date;
};

/**
 * A place in the newest-first order: the row's time (to the microsecond, as text, since a JavaScript
 * Date keeps only milliseconds) and its id (a row gets its chain position only once linked).
 */
export type AuditCursor = { at: string; id: number };

const actor = alias(users, "audit_actor");
const patient = alias(users, "audit_patient");

/** The row's time as UTC text to the microsecond: exact, so a page boundary never skips or repeats a row. */
const exactAt = sql<string>`to_char(${auditEvents.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const columns = {
  id: auditEvents.id,
  seq: auditEvents.seq,
  at: auditEvents.at,
  exactAt,
  actorId: auditEvents.actorId,
  actorRole: auditEvents.actorRole,
  actorName: actor.displayName,
  actorEmail: actor.email,
  action: auditEvents.action,
  entityType: auditEvents.entityType,
  entityId: auditEvents.entityId,
  patientId: auditEvents.patientId,
  patientName: patient.displayName,
  clientAddress: auditEvents.clientAddress,
  detail: auditEvents.detail,
  hash: auditEvents.hash,
};

export type AuditRow = {
  id: number;
  /** Its place in the chain; null for the moment between its commit and its link. */
  seq: number | null;
  at: Date;
  exactAt: string;
  actorId: string | null;
  actorRole: string | null;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  entityType: string;
  entityId: string;
  patientId: string | null;
  patientName: string | null;
  clientAddress: string | null;
  detail: Record<string, unknown>;
  hash: string;
};

function conditions(filter: AuditFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.actorId) where.push(eq(auditEvents.actorId, filter.actorId));
  if (filter.patientId) where.push(eq(auditEvents.patientId, filter.patientId));
  if (filter.action) where.push(eq(auditEvents.action, filter.action));
  if (filter.from) where.push(gte(auditEvents.at, filter.from));
  if (filter.until) where.push(lt(auditEvents.at, filter.until));
  return where;
}

function select(db: Db) {
  return db
    .select(columns)
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorId))
    .leftJoin(patient, eq(patient.id, auditEvents.patientId));
}

const cursorOf = (row: AuditRow): AuditCursor => ({ at: row.exactAt, id: row.id });

/**
 * One page of the trail, newest first, by keyset: each filter has an index in this order (time, then
 * id), so a page costs the same on the first day and after millions of rows. `after` pages
 * towards older rows, `before` back towards newer ones.
 */
export async function listAuditEvents(
  db: Db,
  filter: AuditFilter,
  page: { after?: AuditCursor; before?: AuditCursor; size?: number } = {},
): Promise<{ rows: AuditRow[]; older: AuditCursor | null; newer: AuditCursor | null }> {
  const size = page.size ?? 50;
  const where = conditions(filter);
  const key = sql`(${auditEvents.at}, ${auditEvents.id})`;
  if (page.before) {
    // Newer rows: walk up from the cursor, then show them newest first.
    where.push(sql`${key} > (${page.before.at}::timestamptz, ${page.before.id}::bigint)`);
    const found = (await select(db)
      .where(and(...where))
      .orderBy(asc(auditEvents.at), asc(auditEvents.id))
      .limit(size + 1)) as AuditRow[];
    const more = found.length > size;
    const rows = found.slice(0, size).reverse();
    return { rows, newer: more && rows[0] ? cursorOf(rows[0]) : null, older: rows.length ? cursorOf(rows.at(-1)!) : null };
  }
  if (page.after) where.push(sql`${key} < (${page.after.at}::timestamptz, ${page.after.id}::bigint)`);
  const found = (await select(db)
    .where(and(...where))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(size + 1)) as AuditRow[];
  const more = found.length > size;
  const rows = found.slice(0, size);
  return {
    rows,
    older: more && rows.length ? cursorOf(rows.at(-1)!) : null,
    newer: page.after && rows[0] ? cursorOf(rows[0]) : null,
  };
}

/** Every row the filter selects, newest first, a batch at a time (for the CSV export of millions). */
export async function* allAuditEvents(db: Db, filter: AuditFilter, batchSize = 1000): AsyncGenerator<AuditRow[]> {
  let after: AuditCursor | undefined;
  for (;;) {
    const { rows, older } = await listAuditEvents(db, filter, { after, size: batchSize });
    if (rows.length) yield rows;
    if (!older) return;
    after = older;
  }
}

/**
 * The filter a query string asks for. Dates are whole days in the viewer's time zone, both ends
 * included. A person or patient is an email (or an account id, from a link on the page); one that names
 * no account is a problem to show, and then nothing is listed.
 */
export async function filterFromQuery(
  db: Db,
  query: AuditQuery,
  timeZone: string,
): Promise<{ filter: AuditFilter; problems: Partial<Record<"person" | "patient" | "to", MessageKey>> }> {
  const problems: Partial<Record<"person" | "patient" | "to", MessageKey>> = {};
  const filter: AuditFilter = { action: query.action };
  for (const field of ["person", "patient"] as const) {
    const typed = query[field];
    if (!typed) continue;
    const found = await resolvePerson(db, typed);
    if (!found) problems[field] = "audit.unknownPerson";
    else if (field === "person") filter.actorId = found.id;
    else filter.patientId = found.id;
  }
  if (query.from) filter.from = zonedToInstant(query.from, 0, timeZone);
  if (query.to) filter.until = zonedToInstant(addDays(query.to, 1), 0, timeZone);
  if (query.from && query.to && query.from > query.to) problems.to = "audit.datesReversed";
  return { filter, problems };
}

/** An account id from what the admin typed: an id as it is, an email looked up (any letter case). */
async function resolvePerson(db: Db, idOrEmail: string): Promise<{ id: string } | null> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrEmail);
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(byId ? eq(users.id, idOrEmail) : eq(sql`lower(${users.email})`, idOrEmail.toLowerCase()));
  return row ?? null;
}
