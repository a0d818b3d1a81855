import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createArrivalLine, linePage, PASS_COOKIE, TICKET_COOKIE, type LineDecision } from "~/server/arrival-line.server";
import type { LoadReading } from "~/utils/load-gauge.server";

const BUSY: LoadReading = { utilisation: 0.97, delayP99: 20, hashesInFlight: 0 };
const FREE: LoadReading = { utilisation: 0.3, delayP99: 5, hashesInFlight: 0 };

/** A browser's cookie for the line: what the decision set (or what it had). */
const cookieValue = (decision: LineDecision, name: string, previous?: string) =>
  decision.setCookies.find((c) => c.startsWith(`${name}=`))?.split(";")[0]!.slice(name.length + 1) ?? previous;

describe("the arrival line", () => {
  let load: LoadReading;
  let line: ReturnType<typeof createArrivalLine>;
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-12-01T01:00:00Z") });
    load = FREE;
    line = createArrivalLine({ secret: "s".repeat(32), load: () => load, now: () => Date.now(), random: () => 0 });
  });
  afterEach(() => {
    line.close();
    vi.useRealTimers();
  });

  it("lets everyone in with a pass while there is room", () => {
    const decision = line.decide(undefined, false);
    expect(decision.admit).toBe(true);
    const pass = cookieValue(decision, PASS_COOKIE);
    expect(line.checkPass(pass, false).valid).toBe(true);
  });

  it("sends new arrivals to the line while the process is past capacity, and numbers them in arrival order", () => {
    load = BUSY;
    vi.advanceTimersByTime(300);
    const first = line.decide(undefined, false);
    vi.advanceTimersByTime(100);
    const second = line.decide(undefined, false);
    expect(first).toMatchObject({ admit: false, position: 1 });
    expect(second).toMatchObject({ admit: false, position: 2 });
    expect(cookieValue(first, TICKET_COOKIE)).toBeTruthy();
    expect(first.admit === false && first.retryAfterSeconds).toBeGreaterThanOrEqual(2);
  });

  it("lets the line in in arrival order once there is room again, a growing batch at a time", () => {
    load = BUSY;
    vi.advanceTimersByTime(300);
    const tickets: string[] = [];
    for (let i = 0; i < 30; i++) {
      tickets.push(cookieValue(line.decide(undefined, false), TICKET_COOKIE)!);
      vi.advanceTimersByTime(10);
    }
    // Everyone comes back once while still busy: nobody is let in.
    expect(tickets.every((t) => line.decide(t, false).admit === false)).toBe(true);
    load = FREE;
    vi.advanceTimersByTime(250);
    const admitted = tickets.map((t) => line.decide(t, false).admit);
    const firstRefused = admitted.indexOf(false);
    expect(firstRefused).toBeGreaterThan(0);
    // Exactly the earliest arrivals got in: no one later jumped ahead.
    expect(admitted.slice(0, firstRefused).every(Boolean)).toBe(true);
    expect(admitted.slice(firstRefused).some(Boolean)).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(tickets.every((t) => line.decide(t, false).admit)).toBe(true);
  });

  it("keeps a newcomer behind people already waiting even when there is room", () => {
    load = BUSY;
    vi.advanceTimersByTime(300);
    line.decide(undefined, false);
    load = FREE;
    expect(line.decide(undefined, false).admit).toBe(false);
  });

  it("stops letting people in when the process fills up again", () => {
    load = BUSY;
    vi.advanceTimersByTime(300);
    const tickets = Array.from({ length: 200 }, () => {
      vi.advanceTimersByTime(1);
      return cookieValue(line.decide(undefined, false), TICKET_COOKIE)!;
    });
    load = FREE;
    vi.advanceTimersByTime(1_000);
    load = BUSY;
    vi.advanceTimersByTime(1_000);
    const before = tickets.filter((t) => line.decide(t, false).admit).length;
    vi.advanceTimersByTime(5_000);
    const after = tickets.filter((t) => line.decide(t, false).admit).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(200);
    expect(after).toBe(before);
  });

  it("refuses a forged or altered ticket or pass: the arrival time cannot be moved forward", () => {
    load = BUSY;
    vi.advanceTimersByTime(300);
    const ticket = cookieValue(line.decide(undefined, false), TICKET_COOKIE)!;
    const [body, signature] = [ticket.slice(0, ticket.lastIndexOf(".")), ticket.slice(ticket.lastIndexOf(".") + 1)];
    const earlier = `${body.split(":")[0]}:0.${signature}`;
    expect(line.decide(earlier, false)).toMatchObject({ admit: false });
    expect(line.checkPass("staff:9999999999.forged", false).valid).toBe(false);
    const other = createArrivalLine({ secret: "t".repeat(32), load: () => FREE });
    expect(line.checkPass(cookieValue(other.decide(undefined, false), PASS_COOKIE), false).valid).toBe(false);
    other.close();
  });

  it("renews a pass when half of it is gone, and lets it expire when unused", () => {
    const pass = line.checkPass(cookieValue(line.decide(undefined, false), PASS_COOKIE), false);
    expect(pass).toEqual({ valid: true, renew: null });
    const value = cookieValue(line.decide(undefined, false), PASS_COOKIE);
    vi.setSystemTime(Date.now() + 61 * 60_000);
    expect(line.checkPass(value, false).renew).toMatch(new RegExp(`^${PASS_COOKIE}=`));
    vi.setSystemTime(Date.now() + 60 * 60_000);
    expect(line.checkPass(value, false).valid).toBe(false);
  });

  it("gives doctors and staff a pass that lasts weeks", () => {
    const staff = line.passCookie("staff", true).split(";")[0]!.slice(PASS_COOKIE.length + 1);
    vi.setSystemTime(Date.now() + 7 * 24 * 60 * 60_000);
    expect(line.checkPass(staff, true).valid).toBe(true);
    expect(line.passCookie("staff", true)).toContain("; Secure");
  });
});

describe("the line's page", () => {
  it("shows the place and the wait in both languages, the viewer's first, and refreshes itself", () => {
    const html = linePage({ position: 42, etaSeconds: 30, retryAfterSeconds: 4, retryUrl: "/login?redirectTo=%2Fconsult", firstLocale: "zh-CN" });
    expect(html.indexOf("正在排队")).toBeLessThan(html.indexOf("You are in line"));
    expect(html).toContain("您是第 42 位");
    expect(html).toContain("Number 42");
    expect(html).toContain('content="4;url=/login?redirectTo=%2Fconsult"');
    expect(html).toContain('href="/login?staff=1"');
    expect(html.length).toBeLessThan(4_000);
  });

  it("keeps markup in the retry address inert", () => {
    expect(linePage({ position: 1, etaSeconds: 5, retryAfterSeconds: 2, retryUrl: '/"><script>alert(1)</script>', firstLocale: "en" })).not.toContain("<script>");
  });
});
