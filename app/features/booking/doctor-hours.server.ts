import type { Db } from "~db/client.server";
import type { LiveHub } from "~/features/live/hub.server";
import { processWide } from "~/utils/process-wide";
import { loadSchedules } from "./availability.server";
import type { AvailabilityException, AvailabilityRule } from "./slots";

/** A doctor's hours: the weekly rules and the extra hours and time off that have not long ended. */
export type DoctorHours = { rules: AvailabilityRule[]; exceptions: AvailabilityException[] };

const DAY = 24 * 60 * 60_000;
/** Exceptions are kept from this long ago (a booking looks days back for its alternatives) to this far ahead (past any horizon). */
const LOOK_BACK_MS = 7 * DAY;
const LOOK_AHEAD_MS = 800 * DAY;
/** A kept copy is trusted this long even if a change event was lost. */
const FRESH_MS = 60_000;
const MAX_DOCTORS = 5_000;

type Kept = { hours: Promise<DoctorHours>; expires: number; generation: number };
const caches = processWide("doctor-hours", () => new WeakMap<Db, { kept: Map<string, Kept>; generation: number }>());

/**
 * Keeps each doctor's hours in memory for this database handle: every booking asks whether its time is
 * one of the doctor's slots, and hours change a few times a week. Bookings do not change hours, so a 9 am
 * rush of bookings reads them once. A change of hours on any app instance reaches every instance
 * through NOTIFY (`availability` event); a lost connection drops every copy.
 */
export function cacheDoctorHours(db: Db, hub: LiveHub): () => void {
  const cache = { kept: new Map<string, Kept>(), generation: 0 };
  caches.set(db, cache);
  const unsubscribe = hub.subscribe((event) => {
    if (event.kind === "availability") cache.kept.delete(event.doctorId);
  });
  const unResync = hub.onResync(() => {
    cache.kept.clear();
    cache.generation++;
  });
  return () => {
    unsubscribe();
    unResync();
    caches.delete(db);
  };
}

/** The doctor's hours (empty for an unknown doctor), from memory when kept. */
export function doctorHours(db: Db, doctorId: string, now: Date): Promise<DoctorHours> {
  const cache = caches.get(db);
  if (!cache) return readHours(db, doctorId, now);
  const kept = cache.kept.get(doctorId);
  if (kept && kept.expires > now.getTime() && kept.generation === cache.generation) return kept.hours;
  const hours = readHours(db, doctorId, now);
  const entry = { hours, expires: now.getTime() + FRESH_MS, generation: cache.generation };
  cache.kept.delete(doctorId);
  cache.kept.set(doctorId, entry);
  if (cache.kept.size > MAX_DOCTORS) cache.kept.delete(cache.kept.keys().next().value!);
  // A failed read is not remembered.
  hours.catch(() => {
    if (cache.kept.get(doctorId) === entry) cache.kept.delete(doctorId);
  });
  return hours;
}

async function readHours(db: Db, doctorId: string, now: Date): Promise<DoctorHours> {
  const from = new Date(now.getTime() - LOOK_BACK_MS);
  const until = new Date(now.getTime() + LOOK_AHEAD_MS);
  const schedule = (await loadSchedules(db, [doctorId], from, until, { withBusy: false })).get(doctorId)!;
  return { rules: schedule.rules, exceptions: schedule.exceptions };
}
