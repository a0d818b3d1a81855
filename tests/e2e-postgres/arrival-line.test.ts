import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { launchBrowser, openPage } from "../helpers/browser";
import { openConsultation } from "../helpers/consult-e2e";
import { createScratchDatabase } from "../helpers/database";
import { client } from "../helpers/http";
import { SESSION_COOKIE, startServer, type RunningServer } from "../helpers/server";

// Two instances on one database, sharing the secret that signs passes: `open` lets everyone in, `full` is past
// its capacity all the time (its threshold is 0), as a worker is at 9 am. What `full` answers shows what
// the line does; people let in by `open` carry a pass that `full` honours.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let open: RunningServer;
let full: RunningServer;
let browser: Browser;

beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL!, "yz_e2e");
  const env = { DATABASE_URL: scratch.url, JOIN_TICKET_SECRET: randomBytes(32).toString("hex"), ARRIVAL_SECRET: randomBytes(32).toString("hex"), WEB_CONCURRENCY: "1" };
  execFileSync(path.resolve("node_modules/.bin/tsx"), ["db/seed.ts"], { stdio: "ignore", env: { ...process.env, ...env } });
  [open, full] = await Promise.all([
    startServer({ ...env, ARRIVAL_LINE: "off" }),
    startServer({ ...env, ARRIVAL_LINE: "on", ARRIVAL_LINE_UTILISATION: "0" }),
  ]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([open?.stop(), full?.stop()]);
  await scratch?.drop();
});

/** A new visitor's request: no cookies but the ticket it was given. */
async function visit(url: string, ticket?: string, init: RequestInit = {}) {
  const response = await fetch(url, { redirect: "manual", ...init, headers: { ...(ticket ? { Cookie: ticket } : {}), ...init.headers } });
  const set = response.headers.getSetCookie().find((c) => c.startsWith("yz_line="))?.split(";")[0];
  return { response, body: await response.text(), ticket: set ?? ticket };
}

describe("the arrival line", () => {
  it("answers new arrivals with their place in line, in arrival order, and keeps each one's place", async () => {
    const first = await visit(`${full.url}/login`);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get("x-yunzhen-line")).toBe("1");
    expect(Number(first.response.headers.get("retry-after"))).toBeGreaterThanOrEqual(2);
    expect(first.response.headers.get("cache-control")).toBe("no-store");
    expect(first.body).toContain("You are in line");
    expect(first.body).toContain("正在排队");
    expect(first.body).toMatch(/<meta http-equiv="refresh" content="\d+;url=\/login">/);
    expect(first.ticket).toBeTruthy();

    const second = await visit(`${full.url}/doctors?department=respiratory`);
    expect(second.response.headers.get("x-yunzhen-line")).toBe("2");
    expect(second.body).toContain('content="');
    expect(second.body).toContain("url=/doctors?department=respiratory");
    // Coming back keeps the place; a ticket from elsewhere (forged) does not jump the line.
    expect((await visit(`${full.url}/login`, first.ticket)).response.headers.get("x-yunzhen-line")).toBe("1");
    const forged = `yz_line=${first.ticket!.slice(8, first.ticket!.indexOf(":") + 1)}0.x`;
    expect(Number((await visit(`${full.url}/login`, forged)).response.headers.get("x-yunzhen-line"))).toBeGreaterThan(2);
  });

  it("sends a form's sign-in and an open page's data request to the line too, never into the database", async () => {
    const signIn = await visit(`${full.url}/login`, undefined, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: full.url },
      body: new URLSearchParams({ email: DEMO_ACCOUNTS.patient.email, password: DEMO_PASSWORD }),
    });
    expect(signIn.response.headers.get("x-yunzhen-line")).not.toBeNull();
    expect(signIn.response.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    const data = await visit(`${full.url}/doctors?_data=routes%2Fdoctors._index`);
    expect(data.response.status).toBe(204);
    expect(data.response.headers.get("x-remix-redirect")).toBe("/doctors");
    expect(data.response.headers.get("x-remix-reload-document")).toBe("true");
  });

  it("never turns away a patient already in the waiting room, nor a doctor or clinic staff", async () => {
    const room = await openConsultation(open.url);
    expect((await room.patient.post(`/consult/${room.appointmentId}`, { intent: "checkIn" })).status).toBe(302);
    // The same people, at the instance that is full.
    for (const path of [`/consult/${room.appointmentId}`, `/appointments/${room.appointmentId}`, "/appointments", "/doctors"]) {
      const response = await fetch(`${full.url}${path}`, { headers: { Cookie: room.patient.cookie }, redirect: "manual" });
      expect(response.headers.get("x-yunzhen-line"), path).toBeNull();
      expect(response.status, path).toBe(200);
    }
    const doctor = await fetch(`${full.url}/doctor/today`, { headers: { Cookie: room.doctor.cookie }, redirect: "manual" });
    expect([doctor.status, doctor.headers.get("x-yunzhen-line")]).toEqual([200, null]);

    // Staff who arrive at a full server sign in at their own entrance, and are not sent back to the line.
    const staff = client(full.url);
    expect((await staff.get("/login?staff=1")).status).toBe(200);
    expect((await staff.post("/login?staff=1", { email: DEMO_ACCOUNTS.staff.email, password: DEMO_PASSWORD })).status).toBe(302);
    const board = await staff.get("/clinic/schedule");
    expect([board.status, board.headers.get("x-yunzhen-line")]).toEqual([200, null]);
    // A patient cannot use that entrance to pass the line.
    const patient = client(full.url);
    const refused = await patient.post("/login?staff=1", { email: DEMO_ACCOUNTS.patient.email, password: DEMO_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
  });

  it("sends nothing compressed while past its capacity (the CPU is what everyone waits for), and compresses again with room", async () => {
    const gzip = { "Accept-Encoding": "gzip, deflate, br" };
    const lined = await visit(`${full.url}/login`, undefined, { headers: gzip });
    expect(lined.response.headers.get("x-yunzhen-line")).not.toBeNull();
    expect(lined.response.headers.get("content-encoding")).toBeNull();
    const room = await openConsultation(open.url);
    const page = (url: string) => fetch(`${url}/consult/${room.appointmentId}`, { headers: { Cookie: room.patient.cookie, ...gzip }, redirect: "manual" });
    const atFull = await page(full.url);
    expect([atFull.status, atFull.headers.get("content-encoding")]).toEqual([200, null]);
    expect(await atFull.text()).toContain("</html>");
    // The same page from an instance that judges no load (its line is off) leaves compressed.
    const atOpen = await page(open.url);
    expect([atOpen.status, atOpen.headers.get("content-encoding")]).toEqual([200, "br"]);
  });

  it("shows the line's page in the browser in the viewer's language, and it refreshes itself", async () => {
    for (const [locale, heading] of [["zh-CN", "正在排队"], ["en", "You are in line"]] as const) {
      const { page, context } = await openPage(browser, { locale, viewport: { width: 390, height: 800 } });
      await page.goto(`${full.url}/login`);
      expect(await page.locator("h1").first().textContent()).toBe(heading);
      await page.screenshot({ path: `test-results/arrival-line-${locale}.png`, fullPage: true });
      // The refresh asks again (and is answered with the line, since this instance stays full). Waited for
      // once: it is the same page in either language, and each wait is the line's 10–12 s.
      if (locale === "zh-CN") await page.waitForRequest((request) => request.url() === `${full.url}/login`, { timeout: 15_000 });
      await context.close();
    }
  });
});
