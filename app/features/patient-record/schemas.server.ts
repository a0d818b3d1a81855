import { z } from "zod";
import { SEXES } from "~/domain/vocabulary";
import type { MessageKey } from "~/i18n";

const message = (key: MessageKey) => ({ error: key });

/** An empty field is "not stated" (null). */
const blankToNull = (value: unknown) => (typeof value === "string" && value.trim() === "" ? null : value);

const isCalendarDate = (value: string) => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
};

/**
 * The health profile form (the account page, and registration): date of birth, sex, allergies or "no
 * known allergies". `today` (the clinic's date) bounds the date of birth.
 */
export const profileForm = (today: string) =>
  z
    .object({
      birthDate: z.preprocess(
        blankToNull,
        z
          .string(message("error.birthDateInvalid"))
          .regex(/^\d{4}-\d{2}-\d{2}$/, message("error.birthDateInvalid"))
          .refine(isCalendarDate, message("error.birthDateInvalid"))
          .refine((d) => d >= "1900-01-01" && d <= today, message("error.birthDateInvalid"))
          .nullable(),
      ),
      sex: z.preprocess(blankToNull, z.enum(SEXES, message("error.sexInvalid")).nullable()),
      allergies: z.preprocess(blankToNull, z.string().trim().max(500, message("error.allergiesTooLong")).nullable()),
      noKnownAllergies: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
    })
    .refine((p) => !(p.noKnownAllergies && p.allergies), { path: ["allergies"], ...message("error.allergiesOrNone") });

export type ProfileInput = z.infer<ReturnType<typeof profileForm>>;
