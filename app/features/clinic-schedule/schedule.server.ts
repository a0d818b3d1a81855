import { and, asc, eq, gt, gte, inArray, lt } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, consultations, departments, doctors, users, waitlistOffers } from "~db/schema";
import { loadSchedules } from "~/features/booking/availability.server";
import { presenceChangedSince } from "~/features/consultation/presence.server";
import { offeredSlots } from "~/features/booking/slots";
import type { AppointmentStatus } from "~/domain/vocabulary";
import { addDays, zonedToInstant } from "~/utils/zoned-time";
import { availableIntervals, combineSummaries, summarizeDay, type DaySummary } from "./day-summary";

export type ScheduleFilter = { departmentCode?: string; doctorId?: string; status?: AppointmentStatus };

async function listScheduleDoctors(db: Db, filter: ScheduleFilter) {
  return db
    .select({
      id: doctors.id,
      nameZh: doctors.nameZh,
      nameEn: doctors.nameEn,
      title: doctors.title,
      department: { id: departments.id, code: departments.code, nameZh: departments.nameZh, nameEn: departments.nameEn },
    })
    .from(doctors)
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .where(
      and(
        filter.departmentCode ? eq(departments.code, filter.departmentCode) : undefined,
        filter.doctorId ? eq(doctors.id, filter.doctorId) : undefined,
      ),
    )
    .orderBy(asc(departments.sortOrder), asc(doctors.title), asc(doctors.nameEn));
}

async function listAppointments(db: Db, doctorIds: string[], from: Date, until: Date, allDoctors = false) {
  if (doctorIds.length === 0) return [];
  return db
    .select({
      id: appointments.id,
      doctorId: appointments.doctorId,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      status: appointments.status,
      patientName: users.displayName,
      checkedInAt: consultations.checkedInAt,
      admittedAt: consultations.admittedAt,
    })
    .from(appointments)
    .innerJoin(users, eq(users.id, appointments.patientId))
    .leftJoin(consultations, eq(consultations.appointmentId, appointments.id))
    .where(and(allDoctors ? undefined : inArray(appointments.doctorId, doctorIds), gte(appointments.startsAt, from), lt(appointments.startsAt, until)))
    .orderBy(asc(appointments.startsAt));
}

/** The waitlist's offers of times in [from, until): each doctor's, for the day's figures. */
async function listOffers(db: Db, doctorIds: string[], from: Date, until: Date, allDoctors = false) {
  if (doctorIds.length === 0) return [];
  return db
    .select({ doctorId: waitlistOffers.doctorId, status: waitlistOffers.status })
    .from(waitlistOffers)
    .where(and(allDoctors ? undefined : inArray(waitlistOffers.doctorId, doctorIds), gte(waitlistOffers.startsAt, from), lt(waitlistOffers.startsAt, until)));
}

/**
 * One clinic day in the clinic's time zone: every doctor (grouped by department) with their available
 * hours and appointments, and the day's figures per doctor, per department and for the clinic. Five
 * queries whatever the number of doctors.
 */
export async function loadClinicDay(db: Db, date: string, timeZone: string, filter: ScheduleFilter = {}) {
  const from = zonedToInstant(date, 0, timeZone);
  const until = zonedToInstant(addDays(date, 1), 0, timeZone);
  const doctorRows = await listScheduleDoctors(db, filter);
  const ids = doctorRows.map((d) => d.id);
  const allDoctors = !filter.departmentCode && !filter.doctorId;
  const [schedules, rows, offers] = await Promise.all([
    loadSchedules(db, ids, from, until, { withBusy: false, allDoctors }),
    listAppointments(db, ids, from, until, allDoctors),
    listOffers(db, ids, from, until, allDoctors),
  ]);
  const offersByDoctor = new Map<string, typeof offers>();
  for (const offer of offers) offersByDoctor.set(offer.doctorId, [...(offersByDoctor.get(offer.doctorId) ?? []), offer]);
  const byDoctor = new Map<string, typeof rows>();
  for (const row of rows) byDoctor.set(row.doctorId, [...(byDoctor.get(row.doctorId) ?? []), row]);

  const doctorsOfDay = doctorRows.map((doctor) => {
    const schedule = schedules.get(doctor.id)!;
    const timeOff = schedule.exceptions.filter((e) => e.kind === "time_off").map((e) => ({ start: e.startsAt, end: e.endsAt }));
    const available = availableIntervals(offeredSlots(schedule.rules, schedule.exceptions, timeZone, from, until), timeOff).map((i) => ({
      start: i.start < from ? from : i.start,
      end: i.end > until ? until : i.end,
    }));
    const all = byDoctor.get(doctor.id) ?? [];
    const summary = summarizeDay(all, available, offersByDoctor.get(doctor.id) ?? []);
    const shown = filter.status ? all.filter((a) => a.status === filter.status) : all;
    return { ...doctor, available, appointments: shown, summary };
  });

  const departmentsOfDay = new Map<string, { department: (typeof doctorRows)[number]["department"]; doctors: typeof doctorsOfDay }>();
  for (const d of doctorsOfDay) {
    const entry = departmentsOfDay.get(d.department.id) ?? { department: d.department, doctors: [] };
    entry.doctors.push(d);
    departmentsOfDay.set(d.department.id, entry);
  }
  const groups = [...departmentsOfDay.values()].map((g) => ({ ...g, summary: combineSummaries(g.doctors.map((d) => d.summary)) }));
  return {
    from,
    until,
    departments: groups,
    summary: combineSummaries(groups.map((g) => g.summary)) as DaySummary,
  };
}

/** Appointments per doctor per day for the seven days from `weekStart`. Cancelled ones are left out. */
export async function loadClinicWeek(db: Db, weekStart: string, timeZone: string, filter: ScheduleFilter = {}) {
  const days = Array.from({ length: 7 }, (_, i) => addDays(weekStart, i));
  const doctorRows = await listScheduleDoctors(db, filter);
  const rows = await listAppointments(
    db,
    doctorRows.map((d) => d.id),
    zonedToInstant(days[0]!, 0, timeZone),
    zonedToInstant(addDays(weekStart, 7), 0, timeZone),
  );
  const dayStarts = days.map((d) => zonedToInstant(d, 0, timeZone).getTime());
  const counts = new Map<string, number[]>();
  for (const row of rows) {
    if (row.status === "cancelled" || (filter.status && row.status !== filter.status)) continue;
    const index = dayStarts.findLastIndex((start) => row.startsAt.getTime() >= start);
    const list = counts.get(row.doctorId) ?? Array<number>(7).fill(0);
    list[index]! += 1;
    counts.set(row.doctorId, list);
  }
  return { days, doctors: doctorRows.map((d) => ({ ...d, counts: counts.get(d.id) ?? Array<number>(7).fill(0) })) };
}

/**
 * Whether any appointment (of one doctor, or of the clinic) changed after `since`, or, for a doctor, a
 * patient of theirs arrived or left (their Today shows who is here).
 */
export async function changedSince(db: Db, since: Date, doctorId: string | null): Promise<boolean> {
  const [row] = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(and(gt(appointments.updatedAt, since), doctorId ? eq(appointments.doctorId, doctorId) : undefined))
    .limit(1);
  return Boolean(row) || (doctorId !== null && (await presenceChangedSince(db, since, doctorId)));
}
