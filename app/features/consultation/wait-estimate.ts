/** A waiting patient's estimated wait: pure arithmetic on the doctor's pace today, shared by server and page. */

const MINUTE = 60_000;

/**
 * What the estimate is made of, as the server reads it: how long one consultation of this doctor takes
 * (the median of today's, or the appointment's length when the doctor has seen nobody today), and since
 * when the doctor's current call has run (null when they are not in a call).
 */
export type DoctorPace = { consultationMs: number; basis: "today" | "slot"; callSince: string | null };

/**
 * How long one consultation of the doctor takes: the median of the lengths (admitted to ended, in ms) of
 * the consultations they finished today — one long call does not move it the way it would a mean — else
 * the appointment's length.
 */
export function doctorPace(todaysLengthsMs: readonly number[], slotMs: number): Pick<DoctorPace, "consultationMs" | "basis"> {
  const lengths = todaysLengthsMs.filter((ms) => Number.isFinite(ms) && ms > 0).sort((a, b) => a - b);
  if (lengths.length === 0) return { consultationMs: slotMs, basis: "slot" };
  const middle = Math.floor(lengths.length / 2);
  const median = lengths.length % 2 === 1 ? lengths[middle]! : (lengths[middle - 1]! + lengths[middle]!) / 2;
  return { consultationMs: Math.round(median), basis: "today" };
}

/**
 * A call that has run past the doctor's usual length still takes a little longer: what is left of it
 * is counted as at least this.
 */
const OVERRUN_REMAINDER_MS = MINUTE;

/**
 * The estimated wait (ms) of the patient at `position` in the queue (1 = next): a consultation's length
 * for each patient ahead, plus what is left of the call the doctor is in, if any.
 */
export function estimateWaitMs(input: { position: number; consultationMs: number; callSinceMs: number | null; nowMs: number }): number {
  const ahead = Math.max(0, input.position - 1) * input.consultationMs;
  if (input.callSinceMs === null) return ahead;
  const elapsed = Math.max(0, input.nowMs - input.callSinceMs);
  return ahead + Math.max(input.consultationMs - elapsed, Math.min(OVERRUN_REMAINDER_MS, input.consultationMs));
}

export type WaitShown = { kind: "few" } | { kind: "minutes"; minutes: number };

/**
 * The wait as a person reads it: "a few minutes" under 3 minutes; whole minutes up to 10; then to the
 * nearest 5 minutes (an estimate should not look more precise than it is).
 */
export function roundWait(ms: number): WaitShown {
  const minutes = ms / MINUTE;
  if (minutes < 3) return { kind: "few" };
  if (minutes <= 10) return { kind: "minutes", minutes: Math.round(minutes) };
  return { kind: "minutes", minutes: Math.round(minutes / 5) * 5 };
}
