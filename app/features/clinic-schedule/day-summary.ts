/**
 * The figures of a clinic day, as pure functions: counts by status, utilisation (booked minutes ÷
 * available minutes), the average wait from check-in to admission, and the waitlist's offers and takes.
 */
import type { AppointmentStatus, OfferStatus } from "~/domain/vocabulary";
import { overlaps, type Interval } from "~/features/booking/slots";

export type DayAppointment = {
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  checkedInAt: Date | null;
  admittedAt: Date | null;
};

export type DaySummary = Record<AppointmentStatus, number> & {
  bookedMinutes: number;
  availableMinutes: number;
  /** Booked minutes ÷ available minutes; null when nothing was available. */
  utilisation: number | null;
  /** Mean minutes from check-in to admission over the admitted; null when nobody was admitted. */
  averageWaitMinutes: number | null;
  /** How many waits the average is made of. */
  waits: number;
  /** Freed times of the day offered to waiting patients (the waitlist), and how many of those offers were taken. */
  offers: number;
  offersTaken: number;
};

const MINUTE = 60_000;
const minutes = (i: Interval) => (i.end.getTime() - i.start.getTime()) / MINUTE;

/** Merges overlapping or touching intervals into disjoint ones, sorted by start. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start.getTime() <= last.end.getTime()) {
      if (interval.end > last.end) last.end = interval.end;
    } else {
      merged.push({ start: interval.start, end: interval.end });
    }
  }
  return merged;
}

/** Available time: offered intervals minus time off, merged. */
export function availableIntervals(offered: readonly Interval[], timeOff: readonly Interval[]): Interval[] {
  return mergeIntervals(offered.filter((slot) => !timeOff.some((off) => overlaps(slot, off))));
}

/** How many appointments are in each status. */
export function countByStatus(appointments: readonly { status: AppointmentStatus }[]): Record<AppointmentStatus, number> {
  const counts: Record<AppointmentStatus, number> = {
    booked: 0,
    checked_in: 0,
    in_consultation: 0,
    completed: 0,
    cancelled: 0,
    no_show: 0,
  };
  for (const a of appointments) counts[a.status]++;
  return counts;
}

export function summarizeDay(
  appointments: readonly DayAppointment[],
  available: readonly Interval[],
  offers: readonly { status: OfferStatus }[] = [],
): DaySummary {
  const counts = countByStatus(appointments);
  let bookedMinutes = 0;
  let waitTotal = 0;
  let waits = 0;
  for (const a of appointments) {
    if (a.status !== "cancelled") bookedMinutes += minutes({ start: a.startsAt, end: a.endsAt });
    if (a.checkedInAt && a.admittedAt) {
      waitTotal += Math.max(0, (a.admittedAt.getTime() - a.checkedInAt.getTime()) / MINUTE);
      waits++;
    }
  }
  const availableMinutes = mergeIntervals(available).reduce((sum, i) => sum + minutes(i), 0);
  return {
    ...counts,
    bookedMinutes,
    availableMinutes,
    utilisation: availableMinutes > 0 ? bookedMinutes / availableMinutes : null,
    averageWaitMinutes: waits > 0 ? waitTotal / waits : null,
    waits,
    offers: offers.length,
    offersTaken: offers.filter((o) => o.status === "accepted").length,
  };
}

/** Adds summaries up (a department from its doctors, the clinic from its departments). */
export function combineSummaries(parts: readonly DaySummary[]): DaySummary {
  const total = summarizeDay([], []);
  let waitTotal = 0;
  for (const part of parts) {
    for (const key of ["booked", "checked_in", "in_consultation", "completed", "cancelled", "no_show", "bookedMinutes", "availableMinutes", "waits", "offers", "offersTaken"] as const) {
      total[key] += part[key];
    }
    waitTotal += (part.averageWaitMinutes ?? 0) * part.waits;
  }
  total.utilisation = total.availableMinutes > 0 ? total.bookedMinutes / total.availableMinutes : null;
  total.averageWaitMinutes = total.waits > 0 ? waitTotal / total.waits : null;
  return total;
}

/**
 * A day's figures after one appointment's status changed (pushed live, so the board need not read the
 * whole day again): its count moves from one status to the other; an admission adds its wait; booked
 * minutes change only when it is cancelled (a cancellation frees time, and the board re-reads the day).
 */
export function applyStatusChange(
  summary: DaySummary,
  change: { from: AppointmentStatus; to: AppointmentStatus; waitMinutes: number | null },
): DaySummary {
  if (change.from === change.to) return summary;
  const next: DaySummary = { ...summary, [change.from]: Math.max(0, summary[change.from] - 1), [change.to]: summary[change.to] + 1 };
  if (change.waitMinutes !== null && change.to === "in_consultation") {
    const total = (summary.averageWaitMinutes ?? 0) * summary.waits + Math.max(0, change.waitMinutes);
    next.waits = summary.waits + 1;
    next.averageWaitMinutes = total / next.waits;
  }
  return next;
}
