/**
 * Free slots kept in memory per doctor, so that the directory (each doctor's next free time) and a
 * doctor's profile do not recompute a doctor's whole booking horizon on every request. A doctor's slots
 * are computed over the horizon once and then read, with the slots whose notice has passed left out; the
 * copy loses the slots a new booking takes, and is dropped when anything else that frees or moves that
 * doctor's time happens on any app instance (reschedule, cancellation, hours — NOTIFY through the hub),
 * when the clinic's settings change, after a lost database connection, and in any case after a minute
 * (new days enter the horizon).
 *
 * A slot shown from here may have been taken a moment ago on another instance: booking it gives the
 * usual 409 with the nearest free slots, since the database's constraint, not this copy, decides.
 */
import type { Db } from "~db/client.server";
import type { LiveHub } from "~/features/live/hub.server";
import { bookingWindow, freeSlotsOf } from "./availability.server";
import type { BookingPolicy } from "./clinic-settings.server";
import type { Interval } from "./slots";

/** How long a doctor's computed slots are trusted without any event. */
const FRESH_MS = 60_000;
/** At most this many doctors are kept (the oldest computed goes first). */
const MAX_DOCTORS = 5_000;

type Entry = {
  computedAt: number;
  policyKey: string;
  /** Slot starts and ends (ms), in time order: compact, since a full-time doctor has ~1,000 slots a horizon. */
  starts: Float64Array;
  ends: Float64Array;
};

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export type FreeSlotIndex = {
  /** A doctor's free slots that may be booked now, up to `until` (at most the horizon). */
  slotsOf(doctorId: string, policy: BookingPolicy, now: Date, until?: Date): Promise<Interval[]>;
  /**
   * Each doctor's first free slot that may be booked now (null when none in the horizon), and how many
   * may be booked in the next seven days (within the horizon): the directory's "times left this week".
   */
  nextFree(doctorIds: readonly string[], policy: BookingPolicy, now: Date): Promise<Map<string, { next: Date | null; thisWeek: number }>>;
  /**
   * Up to `count` free slots of a doctor nearest to `target` and within `withinMs` of it, in time order,
   * leaving out any that overlaps `taken` (the time a booking just found held).
   */
  nearest(doctorId: string, policy: BookingPolicy, now: Date, target: Date, options: { count: number; withinMs: number; taken: Interval }): Promise<Interval[]>;
  close(): void;
};

export function createFreeSlotIndex(db: Db, hub: LiveHub): FreeSlotIndex {
  const entries = new Map<string, Entry>();
  /** Computations under way, by doctor: a crowd asking at once for a doctor's slots waits for one. */
  const computing = new Map<string, { generation: number; epoch: number; policyKey: string; entry: Promise<Entry> }>();
  /** Bumped by every event about a doctor: a computation that started before it is not kept. */
  const generations = new Map<string, number>();
  let epoch = 0;
  const forget = (doctorId: string) => {
    entries.delete(doctorId);
    generations.set(doctorId, (generations.get(doctorId) ?? 0) + 1);
  };
  const forgetAll = () => {
    entries.clear();
    epoch++;
  };
  /** A new booking: its slots leave the kept copy, which stays (computations already under way do not). */
  const take = (doctorId: string, took: { startsAt: string; endsAt: string }) => {
    generations.set(doctorId, (generations.get(doctorId) ?? 0) + 1);
    const entry = entries.get(doctorId);
    if (!entry) return;
    const [start, end] = [Date.parse(took.startsAt), Date.parse(took.endsAt)];
    const keep: number[] = [];
    for (let i = 0; i < entry.starts.length; i++) if (!(entry.starts[i]! < end && start < entry.ends[i]!)) keep.push(i);
    if (keep.length === entry.starts.length) return;
    entries.set(doctorId, {
      ...entry,
      starts: Float64Array.from(keep, (i) => entry.starts[i]!),
      ends: Float64Array.from(keep, (i) => entry.ends[i]!),
    });
  };
  const unsubscribe = hub.subscribe((event) => {
    if (event.kind === "availability") forget(event.doctorId);
    else if (event.kind === "appointment" && event.slotsChanged) {
      if (event.took) take(event.doctorId, event.took);
      else forget(event.doctorId);
    } else if (event.kind === "settings") forgetAll();
  });
  const unResync = hub.onResync(forgetAll);

  /** The entries of these doctors, computing the missing or stale ones together (three queries). */
  async function entriesOf(doctorIds: readonly string[], policy: BookingPolicy, now: Date): Promise<Map<string, Entry>> {
    const policyKey = `${policy.timeZone}|${policy.minNoticeMinutes}|${policy.bookingHorizonDays}`;
    const found = new Map<string, Entry>();
    const missing: string[] = [];
    for (const id of doctorIds) {
      const entry = entries.get(id);
      if (entry && entry.policyKey === policyKey && now.getTime() - entry.computedAt < FRESH_MS && entry.computedAt <= now.getTime()) {
        found.set(id, entry);
      } else {
        missing.push(id);
      }
    }
    if (missing.length === 0) return found;
    const startedEpoch = epoch;
    const started = new Map(missing.map((id) => [id, generations.get(id) ?? 0]));
    const toCompute = missing.filter((id) => {
      const running = computing.get(id);
      return !(running && running.epoch === startedEpoch && running.generation === started.get(id) && running.policyKey === policyKey);
    });
    if (toCompute.length > 0) {
      const computed = freeSlotsOf(db, toCompute, policy, now);
      for (const id of toCompute) {
        const entry = computed.then((all) => {
          const slots = all.get(id) ?? [];
          return {
            computedAt: now.getTime(),
            policyKey,
            starts: Float64Array.from(slots, (s) => s.start.getTime()),
            ends: Float64Array.from(slots, (s) => s.end.getTime()),
          };
        });
        const running = { generation: started.get(id)!, epoch: startedEpoch, policyKey, entry };
        computing.set(id, running);
        const done = () => {
          if (computing.get(id) === running) computing.delete(id);
        };
        entry.then((value) => {
          done();
          // Something changed while computing: answer the requests that waited, but do not keep it.
          if (epoch !== startedEpoch || (generations.get(id) ?? 0) !== running.generation) return;
          entries.delete(id);
          entries.set(id, value);
          if (entries.size > MAX_DOCTORS) entries.delete(entries.keys().next().value!);
        }, done);
      }
    }
    // Every missing doctor has a computation under way now (this request's or an earlier one's).
    const waited = await Promise.all(missing.map((id) => computing.get(id)!.entry));
    missing.forEach((id, i) => found.set(id, waited[i]!));
    return found;
  }

  /** Index of the first slot that may still be booked (its start is past the notice). */
  const firstBookable = (entry: Entry, policy: BookingPolicy, now: Date) => {
    const from = bookingWindow(policy, now).from.getTime();
    let low = 0;
    let high = entry.starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (entry.starts[mid]! < from) low = mid + 1;
      else high = mid;
    }
    return low;
  };

  return {
    async slotsOf(doctorId, policy, now, until) {
      const entry = (await entriesOf([doctorId], policy, now)).get(doctorId)!;
      const end = Math.min(until?.getTime() ?? Infinity, bookingWindow(policy, now).until.getTime());
      const slots: Interval[] = [];
      for (let i = firstBookable(entry, policy, now); i < entry.starts.length && entry.starts[i]! < end; i++) {
        slots.push({ start: new Date(entry.starts[i]!), end: new Date(entry.ends[i]!) });
      }
      return slots;
    },
    async nextFree(doctorIds, policy, now) {
      const found = await entriesOf(doctorIds, policy, now);
      const until = bookingWindow(policy, now).until.getTime();
      const weekEnd = Math.min(until, now.getTime() + WEEK_MS);
      const result = new Map<string, { next: Date | null; thisWeek: number }>();
      for (const id of doctorIds) {
        const entry = found.get(id)!;
        const i = firstBookable(entry, policy, now);
        // The first slot starting at or after the week's end: the ones before it, from i, are this week's.
        let low = i;
        let high = entry.starts.length;
        while (low < high) {
          const mid = (low + high) >> 1;
          if (entry.starts[mid]! < weekEnd) low = mid + 1;
          else high = mid;
        }
        result.set(id, {
          next: i < entry.starts.length && entry.starts[i]! < until ? new Date(entry.starts[i]!) : null,
          thisWeek: Math.max(0, low - i),
        });
      }
      return result;
    },
    async nearest(doctorId, policy, now, target, { count, withinMs, taken }) {
      const entry = (await entriesOf([doctorId], policy, now)).get(doctorId)!;
      const first = firstBookable(entry, policy, now);
      const until = bookingWindow(policy, now).until.getTime();
      const t = target.getTime();
      const usable = (i: number) =>
        entry.starts[i]! < until && Math.abs(entry.starts[i]! - t) <= withinMs && !(entry.starts[i]! < taken.end.getTime() && taken.start.getTime() < entry.ends[i]!);
      // Walk out from the target both ways, taking the nearer slot each step.
      let low = first;
      let high = entry.starts.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (entry.starts[mid]! < t) low = mid + 1;
        else high = mid;
      }
      let right = low;
      let left = low - 1;
      const picked: number[] = [];
      while (picked.length < count && (left >= first || right < entry.starts.length)) {
        const leftGap = left >= first ? t - entry.starts[left]! : Infinity;
        const rightGap = right < entry.starts.length ? entry.starts[right]! - t : Infinity;
        if (Math.min(leftGap, rightGap) > withinMs) break;
        const i = leftGap <= rightGap ? left-- : right++;
        if (usable(i)) picked.push(i);
      }
      return picked.sort((a, b) => a - b).map((i) => ({ start: new Date(entry.starts[i]!), end: new Date(entry.ends[i]!) }));
    },
    close() {
      unsubscribe();
      unResync();
    },
  };
}
