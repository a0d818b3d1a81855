import { and, asc, eq, gt, gte, inArray, lt, or } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, consultations, consultNotes, users } from "~db/schema";
import { isActive } from "~/features/booking/appointment-policy";
import type { JoinWindowSettings } from "./join-window";
import { readPresence } from "./presence.server";

/**
 * A doctor's Today: the appointments of the clinic's day (`from`–`until`: the page widens it to the rooms
 * that open before midnight), and those waiting or in a call whose room is still open whatever day they
 * started on (after midnight, the patient of 23:50 still waits), each
 * with whether the patient is here now and, once finished, whether its note is signed. Two queries.
 */
export async function readDoctorToday(
  db: Db,
  doctorId: string,
  day: { from: Date; until: Date },
  settings: Pick<JoinWindowSettings, "joinClosesMinutesAfter">,
  now = new Date(),
) {
  const roomOpenAfter = new Date(now.getTime() - settings.joinClosesMinutesAfter * 60_000);
  const rows = await db
    .select({
      id: appointments.id,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      status: appointments.status,
      reason: appointments.reason,
      patientName: users.displayName,
      checkedInAt: consultations.checkedInAt,
      joinMode: consultations.joinMode,
      noteSignedAt: consultNotes.signedAt,
    })
    .from(appointments)
    .innerJoin(users, eq(users.id, appointments.patientId))
    .leftJoin(consultations, eq(consultations.appointmentId, appointments.id))
    .leftJoin(consultNotes, eq(consultNotes.appointmentId, appointments.id))
    .where(
      and(
        eq(appointments.doctorId, doctorId),
        or(
          and(gte(appointments.startsAt, day.from), lt(appointments.startsAt, day.until)),
          and(inArray(appointments.status, ["checked_in", "in_consultation"]), gt(appointments.endsAt, roomOpenAfter)),
        ),
      ),
    )
    .orderBy(asc(appointments.startsAt));
  const presence = await readPresence(
    db,
    rows.filter((r) => isActive(r.status)).map((r) => r.id),
    now,
  );
  return rows.map((r) => ({
    id: r.id,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    status: r.status,
    patientName: r.patientName,
    reason: r.reason,
    checkedInAt: r.status === "checked_in" ? (r.checkedInAt?.toISOString() ?? null) : null,
    joinMode: isActive(r.status) ? r.joinMode : null,
    presence: presence.get(r.id) ?? null,
    noteSigned: r.noteSignedAt !== null,
  }));
}
