/**
 * A doctor's queue as pure rules: its order, who is admitted next, and the day at a glance. The doctor's
 * Today and the "Admit next" use case ask the same ones.
 */
import type { AppointmentStatus } from "~/domain/vocabulary";

/** A waiting patient as the queue sees them: their appointment's time, when they checked in, whether they are here. */
export type QueuePlace = { id: string; startsAt: string; checkedInAt: string | null; present: boolean };

/**
 * The queue's order: appointment time, then check-in time. The order patients are told their place by
 * ("You are number 1"), and the order of `doctorQueue` in the database: a patient who came early for a
 * later time does not pass the one whose time came first.
 */
export function queueOrder(a: Pick<QueuePlace, "startsAt" | "checkedInAt">, b: Pick<QueuePlace, "startsAt" | "checkedInAt">): number {
  return a.startsAt.localeCompare(b.startsAt) || (a.checkedInAt ?? "").localeCompare(b.checkedInAt ?? "");
}

/**
 * Who "Admit next" admits: the first patient in the queue's order who is here now (their room page is
 * open), so that it never opens a call with an empty room. Patients who are away keep their place and are
 * admitted only by name, after a warning. Null when nobody waiting is here.
 */
export function nextToAdmit(waiting: readonly QueuePlace[]): string | null {
  return [...waiting].sort(queueOrder).find((p) => p.present)?.id ?? null;
}

/** The day's figures on the doctor's Today: waiting (and how many of them are here), in a call, still to come, seen, missed, cancelled. */
export type TodayCounts = { waiting: number; here: number; inCall: number; toCome: number; seen: number; noShow: number; cancelled: number };

export function todayCounts(list: readonly { status: AppointmentStatus; presence: { present: boolean } | null }[]): TodayCounts {
  const counts: TodayCounts = { waiting: 0, here: 0, inCall: 0, toCome: 0, seen: 0, noShow: 0, cancelled: 0 };
  for (const a of list) {
    switch (a.status) {
      case "checked_in":
        counts.waiting++;
        if (a.presence?.present) counts.here++;
        break;
      case "in_consultation":
        counts.inCall++;
        break;
      case "booked":
        counts.toCome++;
        break;
      case "completed":
        counts.seen++;
        break;
      case "no_show":
        counts.noShow++;
        break;
      case "cancelled":
        counts.cancelled++;
        break;
    }
  }
  return counts;
}
