import { sql } from "drizzle-orm";
import { check, index, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { OFFER_STATUSES, WAITLIST_STATUSES } from "../../app/domain/vocabulary";
import { id, instant, timestamps } from "./_columns";
import { appointments } from "./appointments";
import { doctors } from "./doctors";
import { users } from "./users";

export const waitlistStatus = pgEnum("waitlist_status", WAITLIST_STATUSES);
export const offerStatus = pgEnum("offer_status", OFFER_STATUSES);

/**
 * "Tell me about earlier times": a patient waits for a freed time of one doctor within [fromAt, untilAt)
 * (whole days in the patient's time zone when asked). Earliest request first (`createdAt`). One waiting
 * request per patient and doctor.
 */
export const waitlistRequests = pgTable(
  "waitlist_requests",
  {
    id: id(),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    doctorId: uuid("doctor_id")
      .notNull()
      .references(() => doctors.id, { onDelete: "cascade" }),
    fromAt: instant("from_at").notNull(),
    untilAt: instant("until_at").notNull(),
    /** The reason for the visit that "Take this time" books with (5–500 characters, as a booking's). */
    reason: text("reason").notNull(),
    status: waitlistStatus("status").notNull().default("waiting"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("waitlist_requests_one_waiting").on(t.patientId, t.doctorId).where(sql`${t.status} = 'waiting'`),
    index("waitlist_requests_doctor_idx").on(t.doctorId, t.createdAt).where(sql`${t.status} = 'waiting'`),
    check("waitlist_requests_range", sql`${t.fromAt} < ${t.untilAt}`),
    check("waitlist_requests_reason_length", sql`char_length(${t.reason}) between 5 and 500`),
  ],
);

/**
 * A freed time held for one waiting patient until `expiresAt`: while it is open and unexpired, the
 * booking statement refuses that time to everyone else. At most one open offer per time of a doctor, and
 * a request is offered a given time once.
 */
export const waitlistOffers = pgTable(
  "waitlist_offers",
  {
    id: id(),
    requestId: uuid("request_id")
      .notNull()
      .references(() => waitlistRequests.id, { onDelete: "cascade" }),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    doctorId: uuid("doctor_id")
      .notNull()
      .references(() => doctors.id, { onDelete: "cascade" }),
    startsAt: instant("starts_at").notNull(),
    endsAt: instant("ends_at").notNull(),
    expiresAt: instant("expires_at").notNull(),
    status: offerStatus("status").notNull().default("open"),
    /** The booking that took it ("Take this time"). */
    appointmentId: uuid("appointment_id").references(() => appointments.id, { onDelete: "set null" }),
    answeredAt: instant("answered_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("waitlist_offers_one_open_per_time").on(t.doctorId, t.startsAt).where(sql`${t.status} = 'open'`),
    uniqueIndex("waitlist_offers_once_per_request").on(t.requestId, t.startsAt),
    index("waitlist_offers_patient_idx").on(t.patientId, t.status),
    index("waitlist_offers_expiry_idx").on(t.expiresAt).where(sql`${t.status} = 'open'`),
    check("waitlist_offers_order", sql`${t.startsAt} < ${t.endsAt}`),
    check("waitlist_offers_answered", sql`(${t.status} = 'open') = (${t.answeredAt} is null)`),
  ],
);

export type WaitlistOffer = typeof waitlistOffers.$inferSelect;
