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
    ...timestamps,
  },
  (t) => [check("clinic_settings_single_row", sql`${t.id} = 1`)],
);

export type ClinicSettings = typeof clinicSettings.$inferSelect;
