import { sql } from "drizzle-orm";
import { check, date, index, integer, pgEnum, pgTable, smallint, text, time, uuid } from "drizzle-orm/pg-core";
import { id, instant, timestamps } from "./_columns";
import { doctors } from "./doctors";

/**
 * A doctor's weekly consultation hours, written in the clinic's time zone: e.g. Mondays 08:30–11:30 in
 * 15-minute slots, from one date until another (inclusive; open-ended when `effective_until` is null).
 */
export const availabilityRules = pgTable(
  "availability_rules",
  {
    id: id(),
    doctorId: uuid("doctor_id")
      .notNull()
      .references(() => doctors.id, { onDelete: "cascade" }),
    /** ISO weekday: Monday 1 … Sunday 7. */
    weekday: smallint("weekday").notNull(),
    startTime: time("start_time").notNull(),
    endTime: time("end_time").notNull(),
    slotMinutes: integer("slot_minutes").notNull(),
    effectiveFrom: date("effective_from", { mode: "string" }).notNull(),
    effectiveUntil: date("effective_until", { mode: "string" }),
    ...timestamps,
  },
  (t) => [
    index("availability_rules_doctor_idx").on(t.doctorId),
    check("availability_rules_weekday", sql`${t.weekday} between 1 and 7`),
    check("availability_rules_order", sql`${t.startTime} < ${t.endTime}`),
    check("availability_rules_slot_minutes", sql`${t.slotMinutes} between 5 and 240`),
    check(
      "availability_rules_effective_order",
      sql`${t.effectiveUntil} is null or ${t.effectiveFrom} <= ${t.effectiveUntil}`,
    ),
  ],
);

export const AVAILABILITY_EXCEPTION_KINDS = ["time_off", "extra"] as const;
export const availabilityExceptionKind = pgEnum("availability_exception_kind", AVAILABILITY_EXCEPTION_KINDS);

/** Time off (whole days or a range) takes time away; an extra session adds bookable time. */
export const availabilityExceptions = pgTable(
  "availability_exceptions",
  {
    id: id(),
    doctorId: uuid("doctor_id")
      .notNull()
      .references(() => doctors.id, { onDelete: "cascade" }),
    kind: availabilityExceptionKind("kind").notNull(),
    startsAt: instant("starts_at").notNull(),
    endsAt: instant("ends_at").notNull(),
    /** Slot length of an extra session; null for time off. */
    slotMinutes: integer("slot_minutes"),
    note: text("note").notNull().default(""),
    ...timestamps,
  },
  (t) => [
    index("availability_exceptions_doctor_idx").on(t.doctorId, t.startsAt),
    check("availability_exceptions_order", sql`${t.startsAt} < ${t.endsAt}`),
    check(
      "availability_exceptions_slot_minutes",
      sql`(${t.kind} = 'time_off' and ${t.slotMinutes} is null) or (${t.kind} = 'extra' and ${t.slotMinutes} between 5 and 240)`,
    ),
  ],
);

export type AvailabilityRuleRow = typeof availabilityRules.$inferSelect;
export type AvailabilityExceptionRow = typeof availabilityExceptions.$inferSelect;
