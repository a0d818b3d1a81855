import { z } from "zod";
import { DOCTOR_TITLES } from "~/domain/vocabulary";
import type { MessageKey } from "~/i18n";
import { isTimeZone } from "~/utils/time-zones";
import { parseLanguages, parseSpecialties } from "./profile-text";

// Error messages are dictionary keys: the page translates them into the viewer's language.
const message = (key: MessageKey) => ({ error: key });

export const email = z
  .string(message("error.emailInvalid"))
  .trim()
  .toLowerCase()
  .max(254, message("error.emailInvalid"))
  .pipe(z.email(message("error.emailInvalid")));

export const newPassword = z
  .string(message("error.passwordTooShort"))
  .min(10, message("error.passwordTooShort"))
  .max(200, message("error.passwordTooLong"));

export const fullName = z
  .string(message("error.fullNameRequired"))
  .trim()
  .min(1, message("error.fullNameRequired"))
  .max(100, message("error.fullNameTooLong"));

export const timeZone = z
  .string(message("error.timeZoneInvalid"))
  .trim()
  .refine(isTimeZone, message("error.timeZoneInvalid"));

export const registerForm = z.object({
  email,
  password: newPassword,
  fullName,
  timeZone: timeZone.optional().catch(undefined),
});

export const signInForm = z.object({
  email,
  password: z.string(message("error.passwordRequired")).min(1, message("error.passwordRequired")).max(200),
  redirectTo: z.string().optional(),
});

const hospitalAccountBase = { email, password: newPassword, fullName };

export const hospitalAccountForm = z.discriminatedUnion(
  "role",
  [
    z.object({ role: z.literal("staff"), ...hospitalAccountBase }),
    z.object({ role: z.literal("admin"), ...hospitalAccountBase }),
    z.object({
      role: z.literal("doctor"),
      ...hospitalAccountBase,
      nameEn: fullName,
      departmentId: z.uuid(message("error.departmentRequired")),
      title: z.enum(DOCTOR_TITLES, message("error.titleRequired")),
    }),
  ],
  message("error.roleInvalid"),
);

/** What an admin does to an existing account on /admin/users. */
export const accountActionForm = z.object({
  intent: z.enum(["deactivate", "reactivate", "resetSecondFactor"], message("error.form")),
  userId: z.uuid(message("error.notFound")),
});

/** A name an admin gives an account or a doctor's profile. */
const name = z
  .string(message("error.nameRequired"))
  .trim()
  .min(1, message("error.nameRequired"))
  .max(100, message("error.fullNameTooLong"));

/** Text parsed by one of profile-text's readers: its value, or its error beside the field. */
const parsedText = <T>(parse: (text: string) => { ok: true; value: T } | { ok: false; error: MessageKey }) =>
  z.string(message("error.form")).transform((text, ctx) => {
    const result = parse(text);
    if (result.ok) return result.value;
    ctx.addIssue({ code: "custom", message: result.error });
    return z.NEVER;
  });

const bio = z.string(message("error.bioTooLong")).trim().max(2000, message("error.bioTooLong"));

/** The admin's edit of a doctor's account at /admin/users/:userId. */
export const doctorEditForm = z.object({
  nameZh: name,
  nameEn: name,
  departmentId: z.uuid(message("error.departmentRequired")),
  title: z.enum(DOCTOR_TITLES, message("error.titleRequired")),
  specialties: parsedText(parseSpecialties),
  languages: parsedText(parseLanguages),
  bioZh: bio,
  bioEn: bio,
  defaultConsultationMinutes: z.coerce
    .number(message("error.minutesRange"))
    .int(message("error.minutesRange"))
    .min(5, message("error.minutesRange"))
    .max(120, message("error.minutesRange")),
});

/** The admin's edit of a staff or admin account at /admin/users/:userId. */
export const personEditForm = z.object({ displayName: name });

/** Deactivating or reactivating the account an edit page shows. */
export const activationForm = z.object({ intent: z.enum(["deactivate", "reactivate"], message("error.form")) });

export const changePasswordForm = z.object({
  currentPassword: z.string(message("error.passwordRequired")).min(1, message("error.passwordRequired")).max(200),
  newPassword,
});

/** A mobile number as people type it (+86 138 0013 8000, +86-138…): kept as E.164, +8613800138000. */
const phone = z
  .string()
  .trim()
  .transform((value) => value.replace(/[\s().-]/g, ""))
  .pipe(z.union([z.literal(""), z.string().regex(/^\+[1-9]\d{6,14}$/, message("error.phoneInvalid"))]))
  .transform((value) => (value === "" ? null : value));

/** The account page's reminder channels: checkboxes are sent only when ticked. SMS needs a number. */
export const reminderChannelsForm = z
  .object({
    notifyEmail: z.literal("on").optional().transform(Boolean),
    notifySms: z.literal("on").optional().transform(Boolean),
    phone: phone.optional().transform((value) => value ?? null),
  })
  .refine((form) => !form.notifySms || form.phone !== null, { path: ["phone"], ...message("error.smsNeedsPhone") });
