import { z } from "zod";
import { DOCTOR_TITLES } from "~/domain/vocabulary";
import type { MessageKey } from "~/i18n";
import { isTimeZone } from "~/utils/time-zones";

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
