import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgEnum, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { DOCTOR_TITLES } from "../../app/domain/vocabulary";
import { id, timestamps } from "./_columns";
import { departments } from "./departments";
import { users } from "./users";

export const doctorTitleEnum = pgEnum("doctor_title", DOCTOR_TITLES);

/** A text written in both of the product's languages. */
export type Bilingual = { en: string; zh: string };

export const doctors = pgTable(
  "doctors",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: "cascade" }),
    departmentId: uuid("department_id")
      .notNull()
      .references(() => departments.id),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    title: doctorTitleEnum("title").notNull(),
    specialties: jsonb("specialties").$type<Bilingual[]>().notNull().default([]),
    /** BCP 47 language codes the doctor consults in, e.g. ["zh", "en", "yue"]. */
    languages: text("languages").array().notNull().default(sql`'{zh}'::text[]`),
    bioZh: text("bio_zh").notNull().default(""),
    bioEn: text("bio_en").notNull().default(""),
    defaultConsultationMinutes: integer("default_consultation_minutes").notNull().default(15),
    ...timestamps,
  },
  (t) => [
    index("doctors_department_id_idx").on(t.departmentId),
    check(
      "doctors_consultation_minutes_range",
      sql`${t.defaultConsultationMinutes} between 5 and 120`,
    ),
  ],
);

export type Doctor = typeof doctors.$inferSelect;
