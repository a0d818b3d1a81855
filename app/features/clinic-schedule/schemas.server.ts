import { z } from "zod";
import { localDate } from "~/features/booking/schemas.server";
import { APPOINTMENT_STATUSES } from "~/domain/vocabulary";

const blankAsUndefined = (value: unknown) => (value === "" ? undefined : value);

/** The schedule page's query string; anything unreadable falls back to its default. */
export const scheduleQuery = z.object({
  date: z.preprocess(blankAsUndefined, localDate.optional()).catch(undefined),
  view: z.enum(["day", "week"]).catch("day"),
  department: z.preprocess(blankAsUndefined, z.string().max(60).optional()).catch(undefined),
  doctor: z.preprocess(blankAsUndefined, z.uuid().optional()).catch(undefined),
  status: z.preprocess(blankAsUndefined, z.enum(APPOINTMENT_STATUSES).optional()).catch(undefined),
});
