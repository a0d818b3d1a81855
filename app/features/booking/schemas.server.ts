import { z } from "zod";
import type { MessageKey } from "~/i18n";
import { isTimeZone } from "~/utils/time-zones";

const message = (key: MessageKey) => ({ error: key });

/**
 * The years a clinic's calendar holds: far wider than any booking or schedule, and clear of the edges
 * where JavaScript and PostgreSQL disagree (year 0, year 10000, dates before 4713 BC), which would
 * otherwise reach the database and fail there.
 */
const inCalendarYears = (year: number) => year >= 1970 && year <= 2999;

/** An instant as the forms send it: ISO 8601 with a zone (the slot lists emit `toISOString()`). */
export const instantField = z
  .string(message("error.slotInvalid"))
  .pipe(z.iso.datetime({ offset: true, ...message("error.slotInvalid") }))
  .transform((value) => new Date(value))
  .refine((instant) => inCalendarYears(instant.getUTCFullYear()), message("error.slotInvalid"));

/** A calendar date (YYYY-MM-DD) inside the calendar's years. */
export const localDate = z.iso.date(message("error.dateInvalid")).refine((date) => inCalendarYears(Number(date.slice(0, 4))), message("error.dateInvalid"));

export const bookingForm = z.object({
  start: instantField,
  reason: z
    .string(message("error.reasonTooShort"))
    .trim()
    .min(5, message("error.reasonTooShort"))
    .max(500, message("error.reasonTooLong")),
  symptoms: z.string().trim().max(2000, message("error.symptomsTooLong")).default(""),
  idempotencyKey: z.uuid(message("error.slotInvalid")),
});

export const rescheduleForm = z.object({ start: instantField });

/**
 * A time picker's address: the day shown (`?day=`) and, on a page that asks before it changes anything,
 * the time chosen (`?start=`). Either may be missing; a malformed one is as if it were.
 */
export const pickerQuery = z.object({
  day: localDate.optional().catch(undefined),
  start: instantField.optional().catch(undefined),
});

/**
 * A step back from a taken time on the booking form, which books nothing: `choose` picks one of the
 * nearest free times offered (to be confirmed), `back` asks for them again; `taken` is the time that was
 * found taken, which they are near.
 */
export const alternativeStepForm = z.union([
  z.object({ choose: instantField, taken: instantField }),
  z.object({ back: z.literal("1"), taken: instantField }),
]);

export const cancelForm = z.object({
  reason: z
    .string(message("error.cancelReasonRequired"))
    .trim()
    .min(1, message("error.cancelReasonRequired"))
    .max(500, message("error.cancelReasonTooLong")),
});

const timeOfDay = z
  .string(message("error.timeInvalid"))
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, message("error.timeInvalid"))
  .transform((value) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5)));
/** An empty form field means "not given". */
const blankAsUndefined = (value: unknown) => (value === "" ? undefined : value);
const optionalTimeOfDay = z.preprocess(blankAsUndefined, timeOfDay.optional());
const optionalLocalDate = z.preprocess(blankAsUndefined, localDate.optional());
const slotMinutes = z.coerce
  .number(message("error.slotMinutesInvalid"))
  .int(message("error.slotMinutesInvalid"))
  .min(5, message("error.slotMinutesInvalid"))
  .max(240, message("error.slotMinutesInvalid"));
const note = z.string().trim().max(200, message("error.noteTooLong")).default("");

export const availabilityForm = z.discriminatedUnion("intent", [
  z
    .object({
      intent: z.literal("addRule"),
      weekday: z.coerce.number(message("error.weekdayInvalid")).int().min(1, message("error.weekdayInvalid")).max(7, message("error.weekdayInvalid")),
      start: timeOfDay,
      end: timeOfDay,
      slotMinutes,
      effectiveFrom: localDate,
      effectiveUntil: optionalLocalDate,
    })
    .refine((v) => v.start < v.end, { path: ["end"], ...message("error.timeRange") })
    .refine((v) => !v.effectiveUntil || v.effectiveFrom <= v.effectiveUntil, {
      path: ["effectiveUntil"],
      ...message("error.timeRange"),
    }),
  z.object({ intent: z.literal("removeRule"), id: z.uuid() }),
  z.object({ intent: z.literal("removeException"), id: z.uuid() }),
  z
    .object({
      intent: z.enum(["addTimeOff", "addExtra"]),
      startDate: localDate,
      endDate: optionalLocalDate,
      startTime: optionalTimeOfDay,
      endTime: optionalTimeOfDay,
      slotMinutes: z.preprocess(blankAsUndefined, slotMinutes.optional()),
      note,
    })
    .transform((v) => ({ ...v, endDate: v.endDate ?? v.startDate }))
    .refine((v) => v.startDate <= v.endDate, { path: ["endDate"], ...message("error.timeRange") })
    .refine((v) => v.startDate !== v.endDate || v.startTime === undefined || v.endTime === undefined || v.startTime < v.endTime, {
      path: ["endTime"],
      ...message("error.timeRange"),
    })
    .refine((v) => v.intent !== "addExtra" || (v.startTime !== undefined && v.endTime !== undefined), {
      path: ["startTime"],
      ...message("error.timeInvalid"),
    })
    .refine((v) => v.intent !== "addExtra" || v.slotMinutes !== undefined, {
      path: ["slotMinutes"],
      ...message("error.slotMinutesInvalid"),
    }),
]);

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: "error.numberRange" })
    .int({ error: "error.numberRange" })
    .min(min, { error: "error.numberRange" })
    .max(max, { error: "error.numberRange" });

export const clinicSettingsForm = z.object({
  nameZh: z.string().trim().min(1, message("error.fullNameRequired")).max(100, message("error.fullNameTooLong")),
  nameEn: z.string().trim().min(1, message("error.fullNameRequired")).max(100, message("error.fullNameTooLong")),
  timeZone: z.string().trim().refine(isTimeZone, message("error.timeZoneInvalid")),
  minNoticeMinutes: wholeNumber(0, 10080),
  bookingHorizonDays: wholeNumber(1, 365),
  cancellationCutoffMinutes: wholeNumber(0, 10080),
});

/** The limits of each numeric setting, for the message "from {min} to {max}". */
export const CLINIC_SETTING_LIMITS = {
  minNoticeMinutes: [0, 10080],
  bookingHorizonDays: [1, 365],
  cancellationCutoffMinutes: [0, 10080],
} as const;
