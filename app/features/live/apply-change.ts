/**
 * Pushed changes applied to what a live page already shows, as pure functions (the doctor's Today, the
 * clinic board). Where a change cannot be applied in place — time was booked, moved or freed on the
 * board, or the page never had the appointment — the answer is "reload": the page reads its data again.
 */
import { applyStatusChange, type DaySummary } from "~/features/clinic-schedule/day-summary";
import type { AppointmentStatus, JoinMode } from "~/domain/vocabulary";
import { queueOrder } from "~/features/consultation/queue";
import type { PatientPresence, StreamAppointment, StreamPresence } from "./events";

export type TodayAppointment = {
  id: string;
  startsAt: string;
  endsAt: string;
  status: AppointmentStatus;
  patientName: string;
  reason: string;
  checkedInAt: string | null;
  /** How a waiting patient checked in to join (by voice or chat when their camera cannot); null otherwise. */
  joinMode: JoinMode | null;
  /** Whether the patient is here now, and since when they are (or are away); null when never here. */
  presence: PatientPresence | null;
  /** A finished visit whose note is signed (false for the others). */
  noteSigned: boolean;
};

/** Still waiting or in a call: shown on Today whatever day it started on (a room open across midnight). */
const inRoom = (status: AppointmentStatus) => status === "checked_in" || status === "in_consultation";

/** Today's order: waiting patients first, in the queue's order (the first here is next), then the rest in time order. */
export function todayOrder(x: TodayAppointment, y: TodayAppointment): number {
  const waiting = Number(y.status === "checked_in") - Number(x.status === "checked_in");
  if (waiting !== 0) return waiting;
  return x.status === "checked_in" ? queueOrder(x, y) : x.startsAt.localeCompare(y.startsAt);
}

const within = (iso: string, day: { from: string; until: string }) => {
  const at = Date.parse(iso);
  return at >= Date.parse(day.from) && at < Date.parse(day.until);
};

/**
 * A doctor's day after a change to one of their appointments. A visit that just finished reads the day
 * again (its note may have been signed during the call, which no event tells).
 */
export function applyToToday(
  list: readonly TodayAppointment[],
  change: StreamAppointment,
  day: { from: string; until: string },
): TodayAppointment[] | "reload" {
  const current = list.find((a) => a.id === change.appointmentId);
  const entry = change.entry;
  if (!entry) return current || change.slotsChanged ? "reload" : [...list];
  if (change.status === "completed" && current?.status !== "completed") return "reload";
  const others = list.filter((a) => a.id !== change.appointmentId);
  if (!within(entry.startsAt, day) && !inRoom(change.status)) return others; // moved to another day (or never today)
  const updated: TodayAppointment = {
    id: change.appointmentId,
    startsAt: entry.startsAt,
    endsAt: entry.endsAt,
    status: change.status,
    patientName: entry.patientName,
    reason: entry.reason ?? current?.reason ?? "",
    checkedInAt: change.status === "checked_in" ? entry.checkedInAt : null,
    joinMode: inRoom(change.status) ? (entry.joinMode ?? current?.joinMode ?? null) : null,
    presence: current?.presence ?? null,
    noteSigned: current?.noteSigned ?? false,
  };
  return [...others, updated].sort(todayOrder);
}

/** A doctor's day after a patient of theirs came or went (an appointment it does not show changes nothing). */
export function applyPresenceToToday(list: readonly TodayAppointment[], presence: StreamPresence): TodayAppointment[] {
  return list.map((a) => (a.id === presence.appointmentId ? { ...a, presence: { present: presence.present, since: presence.since } } : a));
}

/** An appointment block of the board: id, start and end (minutes into the grid), status, patient. */
export type BoardBlock = readonly [string, number, number, AppointmentStatus, string];
export type BoardDoctor = { id: string; summary: { booked: number; utilisation: number | null }; appointments: BoardBlock[] };
export type BoardDay = {
  from: string;
  until: string;
  summary: DaySummary;
  departments: (Record<string, unknown> & { summary: DaySummary; doctors: BoardDoctor[] })[];
};

/**
 * The clinic board's day after a change. A status change (check-in, admission, end, no-show) moves the
 * block's colour and the counts in place; anything that books, moves or frees time on this day, or an
 * appointment the board never had, reloads. A change to a doctor who is not on the board changes nothing.
 */
export function applyToBoard<D extends BoardDay>(day: D, change: StreamAppointment): D | "reload" {
  const departmentIndex = day.departments.findIndex((g) => g.doctors.some((d) => d.id === change.doctorId));
  if (departmentIndex === -1) return day;
  const department = day.departments[departmentIndex]!;
  const doctor = department.doctors.find((d) => d.id === change.doctorId)!;
  const block = doctor.appointments.find((b) => b[0] === change.appointmentId);
  const onThisDay = change.entry ? within(change.entry.startsAt, day) : false;
  if (change.slotsChanged) return block || onThisDay ? "reload" : day;
  if (!block) return onThisDay ? "reload" : day;
  const from = block[3];
  if (from === change.status) return day;
  const waitMinutes =
    change.status === "in_consultation" && change.entry?.checkedInAt && change.entry.admittedAt
      ? (Date.parse(change.entry.admittedAt) - Date.parse(change.entry.checkedInAt)) / 60_000
      : null;
  const move = { from, to: change.status, waitMinutes };
  const updatedDoctor: BoardDoctor = {
    ...doctor,
    appointments: doctor.appointments.map((b) => (b === block ? ([b[0], b[1], b[2], change.status, b[4]] as const) : b)),
  };
  const departments = day.departments.map((g, i) =>
    i === departmentIndex
      ? { ...g, summary: applyStatusChange(g.summary, move), doctors: g.doctors.map((d) => (d === doctor ? updatedDoctor : d)) }
      : g,
  );
  return { ...day, summary: applyStatusChange(day.summary, move), departments };
}
