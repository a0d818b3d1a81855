/**
 * The tests' clock. With `YZ_TEST_NOW` (an ISO instant) set, `Date` in this process starts at that
 * instant and keeps running at the real pace: `Date.now()`, `new Date()` and `Date()`; a date built from
 * a value is left alone. The first process to load this file fixes the offset and leaves it in
 * `YZ_TEST_CLOCK_OFFSET_MS`, so that every process it starts (Vitest's workers, the servers under test,
 * the pages of the browser through `openPage`) runs on the same clock. Nothing in `app/` or `db/` knows
 * of it: it is loaded with `node --import` (through NODE_OPTIONS: see `passClockToChildren`) and as a
 * Vitest setup file, and only when the variable is set.
 */
export const OFFSET_VARIABLE = "YZ_TEST_CLOCK_OFFSET_MS";

/**
 * Moves `Date` by `offsetMs`. Self-contained (it is also sent to the browser as an init script), and
 * idempotent.
 * @param {number} offsetMs
 */
export function shiftDate(offsetMs) {
  const RealDate = globalThis.Date;
  if (/** @type {{ shiftedBy?: number }} */ (RealDate).shiftedBy !== undefined) return;
  const now = () => RealDate.now() + offsetMs;
  /** @param {unknown[]} args */
  function ShiftedDate(...args) {
    if (!new.target) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  ShiftedDate.prototype = RealDate.prototype;
  ShiftedDate.now = now;
  ShiftedDate.parse = RealDate.parse;
  ShiftedDate.UTC = RealDate.UTC;
  ShiftedDate.shiftedBy = offsetMs;
  globalThis.Date = /** @type {DateConstructor} */ (/** @type {unknown} */ (ShiftedDate));
}

/** The offset this run uses, fixed by the first process that asks; null when the clock is real. */
export function clockOffset() {
  const instant = process.env.YZ_TEST_NOW;
  if (!instant) return null;
  if (!process.env[OFFSET_VARIABLE]) {
    const target = Date.parse(instant);
    if (Number.isNaN(target)) throw new Error(`YZ_TEST_NOW is not an ISO instant: ${instant}`);
    process.env[OFFSET_VARIABLE] = String(target - Date.now());
  }
  return Number(process.env[OFFSET_VARIABLE]);
}

/** When the clock is on, the Node processes this one starts load it too (NODE_OPTIONS): servers, workers. */
export function passClockToChildren() {
  if (clockOffset() === null) return;
  const flag = `--import ${import.meta.url}`;
  const options = process.env.NODE_OPTIONS ?? "";
  if (!options.includes(flag)) process.env.NODE_OPTIONS = `${options} ${flag}`.trim();
}

const offset = clockOffset();
if (offset !== null) shiftDate(offset);
