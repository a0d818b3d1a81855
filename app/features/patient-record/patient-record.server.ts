import { and, desc, eq, isNotNull, lt, ne } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, consultNotes, departments, doctors, patientProfiles } from "~db/schema";
import type { Role, Sex } from "~/domain/vocabulary";
import { recordAudit } from "~/features/audit/record-audit.server";
import type { RoomAccess } from "~/features/consultation/room.server";
import { ForbiddenError } from "~/utils/errors";
import { localDateOf } from "~/utils/zoned-time";
import { ageOn, mayViewPatientRecord } from "./record-policy";
import type { ProfileInput } from "./schemas.server";

export type PatientProfile = {
  birthDate: string | null;
  sex: Sex | null;
  allergies: string | null;
  noKnownAllergies: boolean;
};

const EMPTY: PatientProfile = { birthDate: null, sex: null, allergies: null, noKnownAllergies: false };

/** A patient's own health profile (all unstated when they never filled it in). */
export async function readProfile(db: Db, userId: string): Promise<PatientProfile> {
  const [row] = await db
    .select({
      birthDate: patientProfiles.birthDate,
      sex: patientProfiles.sex,
      allergies: patientProfiles.allergies,
      noKnownAllergies: patientProfiles.noKnownAllergies,
    })
    .from(patientProfiles)
    .where(eq(patientProfiles.userId, userId));
  return row ?? EMPTY;
}

/**
 * Saves a patient's health profile: theirs only (a patient's own account). One transaction: the profile
 * and the audit row (which fields were stated, never their values).
 */
export async function saveProfile(
  db: Db,
  actor: { id: string; role: Role },
  input: ProfileInput,
  context: { clientAddress?: string | null; now?: Date } = {},
) {
  if (actor.role !== "patient") throw new ForbiddenError("error.forbidden");
  const now = context.now ?? new Date();
  const values = { birthDate: input.birthDate, sex: input.sex, allergies: input.allergies, noKnownAllergies: input.noKnownAllergies, updatedAt: now };
  await db.transaction(async (tx) => {
    await tx
      .insert(patientProfiles)
      .values({ userId: actor.id, ...values })
      .onConflictDoUpdate({ target: patientProfiles.userId, set: values });
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "patient_profile.updated",
      entityType: "patient_profile",
      entityId: actor.id,
      patientId: actor.id,
      clientAddress: context.clientAddress,
      detail: { stated: Object.entries(input).filter(([, v]) => v !== null && v !== false).map(([k]) => k) },
    });
  });
}

/** How many earlier visits the doctor's room shows. */
const EARLIER_VISITS = 10;

/**
 * Who the patient is, for the doctor of one of their appointments (in that appointment's room): age, sex
 * and allergies from their profile, and their earlier visits at this clinic with the signed summaries.
 * Every read is audited, in the same transaction.
 */
export async function readPatientRecord(
  db: Db,
  actor: { id: string; role: Role },
  access: Pick<RoomAccess, "appointment" | "role" | "settings">,
  context: { clientAddress?: string | null; now?: Date } = {},
) {
  if (!mayViewPatientRecord(access.role)) throw new ForbiddenError("error.forbidden");
  const now = context.now ?? new Date();
  const { appointment } = access;
  return db.transaction(async (tx) => {
    const [profile, visits] = await Promise.all([
      readProfile(tx, appointment.patientId),
      tx
        .select({
          appointmentId: appointments.id,
          startsAt: appointments.startsAt,
          doctorNameZh: doctors.nameZh,
          doctorNameEn: doctors.nameEn,
          departmentZh: departments.nameZh,
          departmentEn: departments.nameEn,
          diagnosis: consultNotes.diagnosis,
          plan: consultNotes.plan,
          advice: consultNotes.advice,
          signedAt: consultNotes.signedAt,
        })
        .from(appointments)
        .innerJoin(consultNotes, eq(consultNotes.appointmentId, appointments.id))
        .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
        .innerJoin(departments, eq(departments.id, doctors.departmentId))
        .where(
          and(
            eq(appointments.patientId, appointment.patientId),
            ne(appointments.id, appointment.id),
            eq(appointments.status, "completed"),
            lt(appointments.startsAt, appointment.startsAt),
            isNotNull(consultNotes.signedAt),
          ),
        )
        .orderBy(desc(appointments.startsAt))
        .limit(EARLIER_VISITS),
    ]);
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "patient_record.viewed",
      entityType: "appointment",
      entityId: appointment.id,
      patientId: appointment.patientId,
      clientAddress: context.clientAddress,
      detail: { earlierVisits: visits.length },
    });
    const today = localDateOf(now, access.settings.timeZone);
    return {
      age: profile.birthDate ? ageOn(profile.birthDate, today) : null,
      sex: profile.sex,
      allergies: profile.allergies,
      noKnownAllergies: profile.noKnownAllergies,
      earlierVisits: visits.map((v) => ({
        appointmentId: v.appointmentId,
        startsAt: v.startsAt.toISOString(),
        doctor: { nameZh: v.doctorNameZh, nameEn: v.doctorNameEn },
        department: { nameZh: v.departmentZh, nameEn: v.departmentEn },
        diagnosis: v.diagnosis,
        plan: v.plan,
        advice: v.advice,
      })),
    };
  });
}

export type PatientRecord = Awaited<ReturnType<typeof readPatientRecord>>;
