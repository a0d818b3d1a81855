import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { shiftDate } from "../helpers/test-clock.mjs";

const HOUR = 60 * 60_000;
/** The machine's own clock, whatever this process's Date says (it is shifted too when YZ_TEST_NOW is set). */
const realNow = () => performance.timeOrigin + performance.now();

/** A fresh JavaScript realm (as a browser page is) with its Date shifted the way `openPage` does it. */
function shiftedRealm(offsetMs: number) {
  const realm = {};
  runInNewContext(`(${shiftDate.toString()})(${offsetMs});`, realm);
  return <T>(code: string): T => runInNewContext(code, realm) as T;
}

describe("the tests' clock", () => {
  it("starts Date.now(), new Date() and Date() at the shifted instant, and keeps them running", async () => {
    const run = shiftedRealm(-5 * HOUR);
    const first = run<number>("Date.now()");
    expect(Math.abs(first - (realNow() - 5 * HOUR))).toBeLessThan(1000);
    expect(Math.abs(run<number>("new Date().getTime()") - first)).toBeLessThan(1000);
    expect(Math.abs(Date.parse(run<string>("Date()")) - first)).toBeLessThan(2000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(run<number>("Date.now()")).toBeGreaterThan(first + 20);
  });

  it("leaves dates made from a value, parsing, and instanceof as they are", () => {
    const run = shiftedRealm(7 * HOUR);
    expect(run<string>("new Date(0).toISOString()")).toBe("1970-01-01T00:00:00.000Z");
    expect(run<number>("new Date(2031, 2, 3).getMonth()")).toBe(2);
    expect(run<number>("Date.parse('2031-03-03T00:00:00Z')")).toBe(Date.UTC(2031, 2, 3));
    expect(run<number>("Date.UTC(2031, 2, 3)")).toBe(Date.UTC(2031, 2, 3));
    expect(run<boolean>("new Date() instanceof Date && Object.prototype.toString.call(new Date()) === '[object Date]'")).toBe(true);
  });

  it("shifts once, however often it is loaded", () => {
    const run = shiftedRealm(3 * HOUR);
    run(`(${shiftDate.toString()})(${3 * HOUR})`);
    expect(Math.abs(run<number>("Date.now()") - (realNow() + 3 * HOUR))).toBeLessThan(1000);
  });
});
