import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, auditEvents } from "~db/schema";
import type { Role } from "~/domain/vocabulary";
import { at } from "./booking";
import { makeDoctor, makeUser } from "./factories";

export const MINUTE = 60_000;

export const minutesAfter = (instant: Date, minutes: number) => new Date(instant.getTime() + minutes * MINUTE);

export type Actor = { id: string; role: Role };

/** Inserts an appointment straight into the table (no availability needed): `hh:mm` on MONDAY, in the clinic. */
export async function insertAppointment(
  db: Db,
  input: { patientId: string; doctorId: string; start?: string; minutes?: number; reason?: string },
) {
  const startsAt = at(input.start ?? "09:00");
  const endsAt = minutesAfter(startsAt, input.minutes ?? 30);
  const [row] = await db
    .insert(appointments)
    .values({
      patientId: input.patientId,
      doctorId: input.doctorId,
      startsAt,
      endsAt,
      reason: input.reason ?? "Persistent headache for a week",
      idempotencyKey: crypto.randomUUID(),
    })
    .returning();
  return row!;
}

/** A patient, a doctor and one appointment between them, with the actors as the session would give them. */
export async function makeConsultation(db: Db, options: { start?: string; minutes?: number } = {}) {
  const doctor = await makeDoctor(db);
  const patient = await makeUser(db, "patient");
  const appointment = await insertAppointment(db, { patientId: patient.id, doctorId: doctor.id, ...options });
  return {
    doctor,
    patient,
    appointment,
    asPatient: { id: patient.id, role: "patient" } satisfies Actor,
    asDoctor: { id: doctor.userId, role: "doctor" } satisfies Actor,
  };
}

/** Audit rows about the given entities only: the trail is never emptied between tests. */
export async function auditRowsFor(db: Db, entityIds: string[], action?: string) {
  if (entityIds.length === 0) return [];
  return db
    .select()
    .from(auditEvents)
    .where(and(inArray(auditEvents.entityId, entityIds), action ? eq(auditEvents.action, action) : undefined))
    .orderBy(asc(auditEvents.id));
}

/** The outcome of a promise, without throwing. */
export async function settle<T>(promise: Promise<T>) {
  try {
    return { ok: true as const, value: await promise };
  } catch (error) {
    return { ok: false as const, error };
  }
}

/** What a promise was rejected with (fails the test if it resolved). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  const outcome = await settle(promise);
  if (outcome.ok) throw new Error("expected a rejection, but the promise resolved");
  return outcome.error;
}

/** Polls `probe` until it returns something truthy, or gives up after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 2000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
