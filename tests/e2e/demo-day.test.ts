import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { client } from "../helpers/http";
import { serverClockAt, startServer } from "../helpers/server";

const DAY = 24 * 60 * 60_000;

/** 10:00 in Shanghai (the demo hospital's zone) on the next weekday there: a clinic morning, never the past. */
function nextWeekdayAtTen(): Date {
  for (let t = Date.now() + DAY; ; t += DAY) {
    const date = new Date(t).toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday >= 1 && weekday <= 5) return new Date(`${date}T10:00:00+08:00`);
  }
}

/** The appointment blocks of each doctor's row of the board's day view, as the page renders them. */
function blocksPerDoctor(html: string): Map<string, number> {
  const rows = new Map<string, number>();
  for (const row of html.split('data-doctor-id="').slice(1)) {
    rows.set(row.slice(0, 36), (row.match(/class="blk s-[a-z_]+"/g) ?? []).length);
  }
  return rows;
}

describe("the demo hospital", () => {
  it("shows a busy clinic on the board at 10:00 on a new database: a hundred appointments and more across ten doctors and more", async () => {
    const server = await startServer(serverClockAt(nextWeekdayAtTen()));
    try {
      const staff = client(server.url);
      await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
      const board = await staff.get("/clinic/schedule");
      expect(board.status).toBe(200);
      const rows = blocksPerDoctor(await board.text());
      const total = [...rows.values()].reduce((sum, n) => sum + n, 0);
      const busyDoctors = [...rows.values()].filter((n) => n > 0).length;
      expect(total).toBeGreaterThanOrEqual(100);
      expect(busyDoctors).toBeGreaterThanOrEqual(10);
      // The demo doctor's Today is a day of patients too.
      const doctor = client(server.url);
      await doctor.signIn(DEMO_ACCOUNTS.doctor.email, DEMO_PASSWORD);
      const today = await (await doctor.get("/doctor/today")).text();
      expect(today.match(/data-appointment-id="/g)?.length ?? 0).toBeGreaterThanOrEqual(10);
    } finally {
      await server.stop();
    }
  });
});
