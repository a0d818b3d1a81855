import { sql } from "drizzle-orm";
import { check, integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamps } from "./_columns";

/** The clinic's settings: exactly one row, id 1. */
export const clinicSettings = pgTable(
  "clinic_settings",
  {
    id: integer("id").primaryKey().default(1),
    nameZh: text("name_zh").notNull().default("云诊 · 省人民医院互联网医院"),
    nameEn: text("name_en").notNull().default("Yunzhen · Provincial People's Hospital Online Clinic"),
    /** IANA time zone in which doctors' availability is written. */
    timeZone: text("time_zone").notNull().default("Asia/Shanghai"),
    /** A slot must start at least this long after the moment of booking. */
    minNoticeMinutes: integer("min_notice_minutes").notNull().default(60),
    /** How far ahead patients can book. */
    bookingHorizonDays: integer("booking_horizon_days").notNull().default(28),
    /** Patients cannot cancel or move an appointment later than this before its start. */
    cancellationCutoffMinutes: integer("cancellation_cutoff_minutes").notNull().default(120),
    /** The consultation can be joined from this long before the start … */
    joinOpensMinutesBefore: integer("join_opens_minutes_before").notNull().default(15),
    /** … until this long after the end. */
    joinClosesMinutesAfter: integer("join_closes_minutes_after").notNull().default(60),
    ...timestamps,
  },
  (t) => [
    check("clinic_settings_single_row", sql`${t.id} = 1`),
    check("clinic_settings_notice", sql`${t.minNoticeMinutes} between 0 and 10080`),
    check("clinic_settings_horizon", sql`${t.bookingHorizonDays} between 1 and 365`),
    check("clinic_settings_cutoff", sql`${t.cancellationCutoffMinutes} between 0 and 10080`),
    check("clinic_settings_join_window", sql`${t.joinOpensMinutesBefore} between 0 and 1440 and ${t.joinClosesMinutesAfter} between 0 and 1440`),
  ],
);

export type ClinicSettings = typeof clinicSettings.$inferSelect;
