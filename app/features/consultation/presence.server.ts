/**
 * Who is here: a patient is here while a consultation room page of theirs is open (its WebSocket is
 * connected), and away since the last one closed. Only the worker holding a socket knows it is open, so
 * each socket has a row (`room_presence`) that worker writes when it opens and closes and moves on with
 * every heartbeat; a row nobody moved on for `PRESENCE_TTL_MS` (its instance died) counts as away from
 * its last heartbeat, and the next sweep of any worker closes it. Every change is published to every
 * instance (the doctor's Today updates in place) in its transaction, as the whole state of the
 * appointment's presence after it, under a per-appointment lock so that the last event is the truth.
 *
 * Not audited: nobody did anything to a record; opening a page is not an act the trail must keep.
 */
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "~db/client.server";
import { appointments, roomPresence } from "~db/schema";
import type { PatientPresence } from "~/features/live/events";
import { LIVE_CHANNEL } from "~/features/live/publish.server";

/** A socket's row is moved on every heartbeat (10 s); three missed ones and its patient counts as away. */
export const PRESENCE_TTL_MS = 30_000;
/** Closed rows are kept for the day's "away since", then dropped. */
const CLOSED_KEPT_MS = 24 * 60 * 60_000;

/** The advisory lock namespace of appointments' presence (the appointment's id hashed as the key). */
const PRESENCE_LOCK_NAMESPACE = 7_262;

const iso = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The presence of the appointment `appointmentId` names (a column or a value) at `now`, as two columns,
 * `present` and `since` (ISO text). The one definition the pages' reads and the published events share.
 */
function presenceColumns(appointmentId: SQL, now: Date) {
  const cutoff = sql`${new Date(now.getTime() - PRESENCE_TTL_MS).toISOString()}::timestamptz`;
  const live = sql`p.closed_at is null and p.seen_at >= ${cutoff}`;
  return sql`
    select coalesce(bool_or(${live}), false) as present,
      case when bool_or(${live}) then ${iso(sql`min(p.connected_at) filter (where ${live})`)}
           else ${iso(sql`max(coalesce(p.closed_at, p.seen_at))`)} end as since
    from ${roomPresence} p where p.appointment_id = ${appointmentId}`;
}

/** The presence of these appointments now; those never opened are absent (never here). */
export async function readPresence(db: Db, appointmentIds: readonly string[], now = new Date()): Promise<Map<string, PatientPresence>> {
  if (appointmentIds.length === 0) return new Map();
  const rows = rowsOf<{ id: string; present: boolean; since: string | null }>(
    await db.execute(sql`
      select a.id, s.present, s.since
      from ${appointments} a cross join lateral (${presenceColumns(sql`a.id`, now)}) s
      where a.id = any(${sql.param(appointmentIds)}::uuid[])`),
  );
  return new Map(rows.filter((r) => r.since !== null).map((r) => [r.id, { present: r.present, since: r.since }]));
}

/**
 * Whether a patient of this doctor arrived or left after `since` (a page's read): the doctor's Today,
 * whose stream starts after its render, reads again rather than miss it.
 */
export async function presenceChangedSince(db: Db, since: Date, doctorId: string): Promise<boolean> {
  const at = sql`${since.toISOString()}::timestamptz`;
  const rows = rowsOf(
    await db.execute(sql`
      select 1 from ${roomPresence} p join ${appointments} a on a.id = p.appointment_id
      where a.doctor_id = ${doctorId} and (p.connected_at > ${at} or p.closed_at > ${at}) limit 1`),
  );
  return rows.length > 0;
}

/**
 * Writes one change of an appointment's presence and publishes the state after it, in one transaction;
 * nothing is published when `write` answers false (another worker made the change first).
 */
async function changePresence(db: Db, appointmentId: string, now: Date, write: (tx: Db) => Promise<unknown>) {
  await db.transaction(async (tx) => {
    // One change of an appointment's presence at a time: each event reads the state the one before left.
    await tx.execute(sql`select pg_advisory_xact_lock(${PRESENCE_LOCK_NAMESPACE}, hashtext(${appointmentId}::text))`);
    if ((await write(tx)) === false) return;
    await tx.execute(sql`
      select pg_notify(${LIVE_CHANNEL}, json_build_object(
        'kind', 'patient-presence', 'appointmentId', a.id, 'doctorId', a.doctor_id, 'present', s.present, 'since', s.since)::text)
      from ${appointments} a cross join lateral (${presenceColumns(sql`a.id`, now)}) s
      where a.id = ${appointmentId}`);
  });
}

/** A patient's room page connected (`socketId`: its socket, on this worker). */
export async function recordArrival(db: Db, socketId: string, appointmentId: string, now = new Date()) {
  await changePresence(db, appointmentId, now, (tx) =>
    tx.insert(roomPresence).values({ socketId, appointmentId, connectedAt: now, seenAt: now }).onConflictDoNothing(),
  );
}

/** A patient's room page closed (or its socket was found dead). Only the latest closed row is kept. */
export async function recordDeparture(db: Db, socketId: string, appointmentId: string, now = new Date()) {
  await changePresence(db, appointmentId, now, async (tx) => {
    await tx.execute(sql`delete from ${roomPresence} where appointment_id = ${appointmentId} and closed_at is not null and socket_id <> ${socketId}`);
    await tx.execute(sql`
      update ${roomPresence} set closed_at = greatest(${now.toISOString()}::timestamptz, connected_at)
      where socket_id = ${socketId} and closed_at is null`);
  });
}

/**
 * The heartbeat of this worker's open patient sockets: their rows move on. Answers the sockets whose row
 * was closed meanwhile — by their own departure racing this beat, or by another worker's sweep while this
 * one stalled past the TTL: the caller brings back (`recordReturn`) only those still open.
 */
export async function recordHeartbeat(db: Db, socketIds: readonly string[], now = new Date()): Promise<Set<string>> {
  if (socketIds.length === 0) return new Set();
  const moved = rowsOf<{ socket_id: string }>(
    await db.execute(sql`
      update ${roomPresence} set seen_at = ${now.toISOString()}::timestamptz
      where socket_id = any(${sql.param(socketIds)}::uuid[]) and closed_at is null
      returning socket_id`),
  );
  const alive = new Set(moved.map((r) => r.socket_id));
  return new Set(socketIds.filter((id) => !alive.has(id)));
}

/** A socket that is still open though its row was closed (its worker stalled past the TTL): here again. */
export async function recordReturn(db: Db, socketId: string, appointmentId: string, now = new Date()) {
  const at = now.toISOString();
  await changePresence(db, appointmentId, now, (tx) =>
    tx.execute(sql`
      insert into ${roomPresence} (socket_id, appointment_id, connected_at, seen_at)
      values (${socketId}, ${appointmentId}, ${at}::timestamptz, ${at}::timestamptz)
      on conflict (socket_id) do update set seen_at = excluded.seen_at, connected_at = excluded.connected_at, closed_at = null`),
  );
}

/**
 * Closes the rows whose worker stopped moving them on (an instance that died), as of their last
 * heartbeat, and publishes the appointments' presence; drops rows closed more than a day ago. Any worker
 * may run it at any time: each stale row is closed by one of them only.
 */
export async function expireStalePresence(db: Db, now = new Date()) {
  const cutoff = new Date(now.getTime() - PRESENCE_TTL_MS).toISOString();
  const stale = rowsOf<{ appointment_id: string }>(
    await db.execute(sql`select distinct appointment_id from ${roomPresence} where closed_at is null and seen_at < ${cutoff}::timestamptz`),
  );
  for (const { appointment_id: appointmentId } of stale) {
    await changePresence(db, appointmentId, now, async (tx) => {
      const closed = await tx.execute(sql`
        update ${roomPresence} set closed_at = seen_at
        where appointment_id = ${appointmentId} and closed_at is null and seen_at < ${cutoff}::timestamptz
        returning socket_id`);
      return rowsOf(closed).length > 0;
    });
  }
  await db.execute(sql`delete from ${roomPresence} where closed_at < ${new Date(now.getTime() - CLOSED_KEPT_MS).toISOString()}::timestamptz`);
}
