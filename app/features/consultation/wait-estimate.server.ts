import { and, eq, gte, isNotNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, consultations } from "~db/schema";
import { localDateOf, zonedToInstant } from "~/utils/zoned-time";
import { doctorPace, type DoctorPace } from "./wait-estimate";

/**
 * The doctor's pace for a waiting patient's estimate, in one query: the consultations the doctor ended
 * today (the clinic's day, in its time zone) and the call they are in now, if any. Without a
 * consultation today, the patient's own appointment's length stands for one.
 */
export async function readDoctorPace(
  db: Db,
  appointment: { doctorId: string; startsAt: Date; endsAt: Date },
  clinic: { timeZone: string },
  now = new Date(),
): Promise<DoctorPace> {
  const dayStart = zonedToInstant(localDateOf(now, clinic.timeZone), 0, clinic.timeZone);
  const rows = await db
    .select({ status: appointments.status, admittedAt: consultations.admittedAt, endedAt: consultations.endedAt })
    .from(appointments)
    .innerJoin(consultations, eq(consultations.appointmentId, appointments.id))
    .where(
      and(
        eq(appointments.doctorId, appointment.doctorId),
        isNotNull(consultations.admittedAt),
        or(
          and(eq(appointments.status, "completed"), gte(consultations.endedAt, dayStart), lte(consultations.endedAt, now)),
          eq(appointments.status, "in_consultation"),
        ),
      ),
    )
    .orderBy(sql`${consultations.admittedAt} desc`);
  const lengths = rows.filter((r) => r.status === "completed" && r.endedAt).map((r) => r.endedAt!.getTime() - r.admittedAt!.getTime());
  const current = rows.find((r) => r.status === "in_consultation");
  return {
    ...doctorPace(lengths, appointment.endsAt.getTime() - appointment.startsAt.getTime()),
    callSince: current?.admittedAt?.toISOString() ?? null,
  };
}
