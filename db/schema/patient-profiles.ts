import { sql } from "drizzle-orm";
import { boolean, check, date, pgEnum, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { SEXES } from "../../app/domain/vocabulary";
import { timestamps } from "./_columns";
import { users } from "./users";

export const sexEnum = pgEnum("sex", SEXES);

/**
 * What a patient tells the clinic about themselves for their doctors (issue 15 item 5): date of birth,
 * sex and allergies. Apart from `users`, so that only the reads that need it carry health data, and the
 * appointment's doctor reads it only through an audited path. Every field may be unstated (null).
 */
export const patientProfiles = pgTable(
  "patient_profiles",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    birthDate: date("birth_date", { mode: "string" }),
    sex: sexEnum("sex"),
    /** What the patient is allergic to, in their words; null when not stated. */
    allergies: text("allergies"),
    /** The patient said they know of no allergy (not the same as saying nothing). */
    noKnownAllergies: boolean("no_known_allergies").notNull().default(false),
    ...timestamps,
  },
  (t) => [
    check("patient_profiles_allergies_or_none", sql`not (${t.noKnownAllergies} and ${t.allergies} is not null)`),
    check("patient_profiles_allergies_not_blank", sql`${t.allergies} is null or length(trim(${t.allergies})) between 1 and 500`),
    check("patient_profiles_birth_date_sane", sql`${t.birthDate} is null or ${t.birthDate} >= date '1900-01-01'`),
  ],
);
