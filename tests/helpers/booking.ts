import type { Db } from "~db/client.server";
import { availabilityExceptions, availabilityRules } from "~db/schema";
import { zonedToInstant } from "~/utils/zoned-time";

/** A fixed Monday far from today, so that tests never depend on the real date: 2031-03-03. */
export const MONDAY = "2031-03-03";
export const CLINIC_ZONE = "Asia/Shanghai";
/** Sunday evening before MONDAY, in the clinic: every Monday slot is beyond the one-hour notice. */
export const NOW = zonedToInstant("2031-03-02", 20 * 60, CLINIC_ZONE);

/** The instant of `hh:mm` on MONDAY (or another local date) in the clinic's zone. */
export const at = (time: string, date = MONDAY) =>
  zonedToInstant(date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)), CLINIC_ZONE);

export async function giveHours(
  db: Db,
  doctorId: string,
  hours: { weekday?: number; start?: string; end?: string; slotMinutes?: number; from?: string } = {},
) {
  await db.insert(availabilityRules).values({
    doctorId,
    weekday: hours.weekday ?? 1,
    startTime: hours.start ?? "09:00",
    endTime: hours.end ?? "12:00",
    slotMinutes: hours.slotMinutes ?? 30,
    effectiveFrom: hours.from ?? "2031-01-01",
  });
}

export async function giveTimeOff(db: Db, doctorId: string, start: Date, end: Date) {
  await db.insert(availabilityExceptions).values({ doctorId, kind: "time_off", startsAt: start, endsAt: end });
}
