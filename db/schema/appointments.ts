import { sql } from "drizzle-orm";
import { check, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { APPOINTMENT_STATUSES } from "../../app/domain/vocabulary";
import { id, instant, timestamps } from "./_columns";
import { doctors } from "./doctors";
import { users } from "./users";

export const appointmentStatus = pgEnum("appointment_status", APPOINTMENT_STATUSES);

/**
 * A booked time of one patient with one doctor. Two exclusion constraints (in a custom migration, since
 * drizzle-kit cannot express them) refuse overlaps per doctor and per patient for every row that is not
 * cancelled: the database, not the code, guarantees that nothing is double-booked.
 */
export const appointments = pgTable(
  "appointments",
  {
    id: id(),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => users.id),
    doctorId: uuid("doctor_id")
      .notNull()
      .references(() => doctors.id),
    startsAt: instant("starts_at").notNull(),
    endsAt: instant("ends_at").notNull(),
    status: appointmentStatus("status").notNull().default("booked"),
    reason: text("reason").notNull(),
    symptoms: text("symptoms").notNull().default(""),
    /** One per booking form: a double submit or a retried request finds the first booking. */
    idempotencyKey: text("idempotency_key").notNull(),
    /** Raised on every reschedule (and on cancel): the calendar file's SEQUENCE. */
    sequence: integer("sequence").notNull().default(0),
    cancelledAt: instant("cancelled_at"),
    cancelledBy: uuid("cancelled_by").references(() => users.id),
    cancellationReason: text("cancellation_reason"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("appointments_patient_idempotency_key").on(t.patientId, t.idempotencyKey),
    index("appointments_doctor_starts_idx").on(t.doctorId, t.startsAt),
    index("appointments_patient_starts_idx").on(t.patientId, t.startsAt),
    check("appointments_order", sql`${t.startsAt} < ${t.endsAt}`),
    check("appointments_reason_length", sql`char_length(${t.reason}) between 5 and 500`),
    check("appointments_symptoms_length", sql`char_length(${t.symptoms}) <= 2000`),
    check(
      "appointments_cancellation",
      sql`(${t.status} = 'cancelled') = (${t.cancelledAt} is not null)`,
    ),
  ],
);

export type Appointment = typeof appointments.$inferSelect;
