/**
 * The demo hospital's clinic days, planned: which of the demo doctors' slots are booked, by which demo
 * patient, and where each appointment stands at `now` (completed with a signed note, no-show,
 * cancelled, in consultation, waiting, booked). A pure function of its arguments: the same date, doctors,
 * patients and clock give the same day (a seeded PRNG per slot, never Math.random), so the seed is
 * reproducible and idempotent, and a later run only moves the day on with the clock.
 *
 * The further a day lies ahead, the fewer of its slots are booked; a slot booked at a lower rate stays
 * booked at a higher one (the same draw decides), so a day planned again nearer the time only gains
 * appointments.
 */
import type { AppointmentStatus } from "~/domain/vocabulary";
import { offeredSlots, overlaps, type AvailabilityException, type AvailabilityRule, type Interval } from "~/features/booking/slots";
import type { NoteFields } from "~/features/consult-notes/fields";
import { addDays, parseLocalDate, zonedToInstant } from "~/utils/zoned-time";
import type { DemoCase } from "./demo-hospital";

const MINUTE = 60_000;

/** Share of a day's slots that are booked, by how many days ahead it lies (today first). */
const FILL_BY_DAYS_AHEAD = [0.88, 0.6, 0.45, 0.3];
const CANCELLED_SHARE = 0.07;
const NO_SHOW_SHARE = 0.06;
/** A patient whose room is open (it opens this long before the start) has checked in this often. */
const EARLY_CHECK_IN_SHARE = 0.5;
const ROOM_OPENS_MINUTES = 15;
/** The current slot's patient is still waiting (the doctor runs late) this often; otherwise in the call. */
const RUNNING_LATE_SHARE = 0.3;

/** Every seeded appointment's idempotency key starts so: the demo day knows its own (and only its own). */
export const DEMO_DAY_KEY_PREFIX = "demo-day:";

export type DemoDayDoctor = {
  id: string;
  /** The doctor's account: the author and signer of the notes. */
  userId: string;
  /** Stable across databases (the email): the PRNG's seed, never the random id. */
  key: string;
  rules: readonly AvailabilityRule[];
  exceptions: readonly AvailabilityException[];
  /** Time held by appointments that are not the demo day's (the demo consultation, real bookings). */
  busy: readonly Interval[];
  cases: readonly DemoCase[];
  /**
   * Nobody of the demo day waits for this doctor or is in a call with them (the demo doctor: the demo
   * patient is the one who checks in and is admitted).
   */
  quiet?: boolean;
};

export type DemoDayInput = {
  /** The clinic's date to plan, and the clinic's date of `now`. */
  date: string;
  today: string;
  now: Date;
  timeZone: string;
  doctors: readonly DemoDayDoctor[];
  /** The demo patients (their ids), and the time each already holds elsewhere. */
  patients: readonly string[];
  patientBusy?: ReadonlyMap<string, readonly Interval[]>;
  /** The patient of each appointment an earlier run already made (by idempotency key): kept. */
  assigned?: ReadonlyMap<string, string>;
};

export type PlannedAppointment = {
  idempotencyKey: string;
  doctorId: string;
  patientId: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  reason: string;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  /** The consultation's times, for those who came (checked in at least). */
  consultation: { checkedInAt: Date; admittedAt: Date | null; endedAt: Date | null } | null;
  /** The signed note of a completed visit. */
  note: { authorId: string; fields: NoteFields; signedAt: Date } | null;
};

/** mulberry32 seeded with a string (FNV-1a): a small, fast, reproducible PRNG. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whole days from `from` to `to` (local dates). */
function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = parseLocalDate(from);
  const [y2, m2, d2] = parseLocalDate(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / (24 * 60 * MINUTE));
}

const at = (ms: number) => new Date(ms);

/** One slot of one doctor: the same key whichever run makes it. */
const demoDayKey = (doctor: DemoDayDoctor, slot: Interval) => `${DEMO_DAY_KEY_PREFIX}${slot.start.toISOString()}:${doctor.key}`;

/** The demo day of one date at `now` (a day gone by was as full as today, and is over). */
export function planDemoDay(input: DemoDayInput): PlannedAppointment[] {
  const { date, now, timeZone } = input;
  if (input.patients.length === 0) return [];
  const ahead = Math.max(0, daysBetween(input.today, date));
  const fill = FILL_BY_DAYS_AHEAD[Math.min(ahead, FILL_BY_DAYS_AHEAD.length - 1)]!;
  const from = zonedToInstant(date, 0, timeZone);
  const until = zonedToInstant(addDays(date, 1), 0, timeZone);
  const nowMs = now.getTime();

  type Candidate = { doctor: DemoDayDoctor; slot: Interval; random: () => number };
  const candidates: Candidate[] = [];
  for (const doctor of input.doctors) {
    const timeOff = doctor.exceptions.filter((e) => e.kind === "time_off").map((e) => ({ start: e.startsAt, end: e.endsAt }));
    const seen = new Set<number>();
    const taken: Interval[] = [];
    const slots = offeredSlots(doctor.rules, doctor.exceptions, timeZone, from, until)
      .filter((s) => s.start >= from && s.start < until)
      .sort((a, b) => a.start.getTime() - b.start.getTime());
    for (const slot of slots) {
      if (seen.has(slot.start.getTime())) continue;
      seen.add(slot.start.getTime());
      // The first draw of a slot decides whether it is booked, whatever the fill: monotone in the fill.
      const random = seededRandom(`${date}|${doctor.key}|${slot.start.toISOString()}`);
      if (random() >= fill) continue;
      const held = [...timeOff, ...doctor.busy, ...taken];
      if (held.some((h) => overlaps(h, slot))) continue;
      taken.push(slot);
      candidates.push({ doctor, slot, random });
    }
  }
  candidates.sort((a, b) => a.slot.start.getTime() - b.slot.start.getTime() || (a.doctor.key < b.doctor.key ? -1 : 1));

  const held = new Map<string, Interval[]>(input.patients.map((p) => [p, [...(input.patientBusy?.get(p) ?? [])]]));
  const seenBy = new Map<string, Set<string>>(input.patients.map((p) => [p, new Set()]));
  const visits = new Map<string, number>(input.patients.map((p) => [p, 0]));
  const planned: PlannedAppointment[] = [];
  for (const { doctor, slot, random } of candidates) {
    const idempotencyKey = demoDayKey(doctor, slot);
    // Each patient at most once at a time and once a day with a doctor; of those free, from a drawn
    // place in the list, the first with the fewest visits that day.
    const first = Math.floor(random() * input.patients.length);
    let patientId = input.assigned?.get(idempotencyKey) ?? null;
    let fewest = Infinity;
    for (let i = 0; i < input.patients.length && !input.assigned?.has(idempotencyKey); i++) {
      const candidate = input.patients[(first + i) % input.patients.length]!;
      if (visits.get(candidate)! >= fewest || seenBy.get(candidate)!.has(doctor.id)) continue;
      if (held.get(candidate)!.some((h) => overlaps(h, slot))) continue;
      patientId = candidate;
      fewest = visits.get(candidate)!;
    }
    if (!patientId) continue;
    held.get(patientId)?.push(slot);
    seenBy.get(patientId)?.add(doctor.id);
    visits.set(patientId, (visits.get(patientId) ?? 0) + 1);
    const visit = doctor.cases[Math.floor(random() * doctor.cases.length)]!;
    planned.push(appointmentAt({ idempotencyKey, doctor, slot, patientId, visit, random, nowMs }));
  }
  return planned;
}

/** Where one booked slot stands at `now`, with the times each step left behind (none after `now`). */
function appointmentAt(args: {
  idempotencyKey: string;
  doctor: DemoDayDoctor;
  slot: Interval;
  patientId: string;
  visit: DemoCase;
  random: () => number;
  nowMs: number;
}): PlannedAppointment {
  const { idempotencyKey, doctor, slot, patientId, visit, random, nowMs } = args;
  const start = slot.start.getTime();
  const end = slot.end.getTime();
  // Every draw is taken whatever the outcome, so that one slot's fate never shifts another draw.
  const [fate, lateness, checkInLead, admitDelay, endEarly, signDelay, bookedDaysBefore, cancelAt] = Array.from({ length: 8 }, random) as [
    number, number, number, number, number, number, number, number,
  ];
  const before = Math.min(nowMs, start);
  const createdAt = before - Math.floor(1 + bookedDaysBefore * 10) * 24 * 60 * MINUTE;
  const base = {
    idempotencyKey,
    doctorId: doctor.id,
    patientId,
    startsAt: slot.start,
    endsAt: slot.end,
    reason: visit.reason,
    createdAt: at(createdAt),
    cancelledAt: null,
    consultation: null,
    note: null,
  };
  if (fate < CANCELLED_SHARE) {
    const cancelledAt = createdAt + Math.floor(cancelAt * (before - createdAt));
    return { ...base, status: "cancelled", cancelledAt: at(cancelledAt), updatedAt: at(cancelledAt) };
  }
  const checkedInAt = start - Math.floor(1 + checkInLead * 8) * MINUTE;
  if (start + 10 * MINUTE <= nowMs && fate < CANCELLED_SHARE + NO_SHOW_SHARE) {
    return { ...base, status: "no_show", updatedAt: at(start + 10 * MINUTE) };
  }
  if (end <= nowMs) {
    const admittedAt = start + Math.floor(admitDelay * 3) * MINUTE;
    const endedAt = Math.max(admittedAt + MINUTE, end - Math.floor(endEarly * 3) * MINUTE);
    const signedAt = Math.min(nowMs, endedAt + Math.floor(1 + signDelay * 4) * MINUTE);
    const { reason: _reason, ...fields } = visit;
    return {
      ...base,
      status: "completed",
      updatedAt: at(endedAt),
      consultation: { checkedInAt: at(checkedInAt), admittedAt: at(admittedAt), endedAt: at(endedAt) },
      note: { authorId: doctor.userId, fields, signedAt: at(signedAt) },
    };
  }
  if (doctor.quiet) return { ...base, status: "booked", updatedAt: at(createdAt) };
  if (start <= nowMs) {
    if (lateness < RUNNING_LATE_SHARE) {
      return { ...base, status: "checked_in", updatedAt: at(checkedInAt), consultation: { checkedInAt: at(checkedInAt), admittedAt: null, endedAt: null } };
    }
    const admittedAt = Math.min(nowMs, start + Math.floor(admitDelay * 3) * MINUTE);
    return {
      ...base,
      status: "in_consultation",
      updatedAt: at(admittedAt),
      consultation: { checkedInAt: at(Math.min(checkedInAt, admittedAt)), admittedAt: at(admittedAt), endedAt: null },
    };
  }
  const opensAt = start - ROOM_OPENS_MINUTES * MINUTE;
  if (opensAt <= nowMs && lateness < EARLY_CHECK_IN_SHARE) {
    const earlyCheckIn = opensAt + Math.floor(checkInLead * (nowMs - opensAt));
    return { ...base, status: "checked_in", updatedAt: at(earlyCheckIn), consultation: { checkedInAt: at(earlyCheckIn), admittedAt: null, endedAt: null } };
  }
  return { ...base, status: "booked", updatedAt: at(createdAt) };
}

/** How far along its life a status is: a seeded appointment is only ever moved forward. */
export const STATUS_PROGRESS: Record<AppointmentStatus, number> = {
  booked: 0,
  checked_in: 1,
  in_consultation: 2,
  completed: 3,
  no_show: 3,
  cancelled: 3,
};
