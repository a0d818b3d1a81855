import type { Interval } from "./slots";
import { addDays, localDateOf, zonedToInstant } from "~/utils/zoned-time";

export type SlotView = { start: string; end: string };

/** One day of the viewer's calendar that has free slots, and how many. */
export type SlotDay = { date: string; count: number };

/**
 * Free slots for a page that shows one day at a time: the days that have any (in the viewer's time
 * zone, in order, with their counts), the day shown (the one asked for if it has slots, else the first),
 * and that day's slots. A fortnight of a busy doctor is ~300 slots: sent and rendered a day at a time.
 * `slots` must be in time order.
 */
export function slotsByDay(slots: readonly Interval[], timeZone: string, requestedDay: string | null | undefined) {
  const days: SlotDay[] = [];
  const dayOf: string[] = [];
  // Slots come in time order: look the local date up once a day, not once a slot.
  let date = "";
  let nextMidnight = -Infinity;
  for (const slot of slots) {
    if (slot.start.getTime() >= nextMidnight) {
      date = localDateOf(slot.start, timeZone);
      nextMidnight = zonedToInstant(addDays(date, 1), 0, timeZone).getTime();
      days.push({ date, count: 0 });
    }
    dayOf.push(date);
    days[days.length - 1]!.count++;
  }
  const shown = days.find((d) => d.date === requestedDay)?.date ?? days[0]?.date ?? null;
  const shownSlots: SlotView[] = [];
  slots.forEach((slot, i) => {
    if (dayOf[i] === shown) shownSlots.push({ start: slot.start.toISOString(), end: slot.end.toISOString() });
  });
  return { days, day: shown, slots: shownSlots };
}
