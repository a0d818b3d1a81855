import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { launchBrowser, openPage } from "../helpers/browser";
import { boardOf, CLINIC_ZONE, openConsultation } from "../helpers/consult-e2e";
import { client, doctorSlotStarts } from "../helpers/http";
import { blockStatus, expectLive } from "../helpers/page-probes";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Polls until the block shows `status`; returns how long that took. */
async function waitForStatus(page: Page, appointmentId: string, status: string) {
  const t0 = performance.now();
  await expect.poll(() => blockStatus(page, appointmentId), { timeout: 2000, interval: 50 }).toBe(status);
  return performance.now() - t0;
}

describe("the clinic schedule", () => {
  it("shows a check-in and an admission on the open day view within 2 seconds, without a reload", async () => {
    const room = await openConsultation(baseURL);
    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const { page, context, errors } = await openPage(browser, { session: { cookie: staff.cookie, baseURL }, viewport: { width: 1600, height: 1000 } });
    await page.goto(`${baseURL}${boardOf(room)}`);
    expect(await blockStatus(page, room.appointmentId)).toBe("booked");
    await expectLive(page);
    await page.evaluate(() => ((window as { marker?: number }).marker = 1));

    expect((await room.patient.post(`/consult/${room.appointmentId}`, { intent: "checkIn" })).status).toBe(302);
    const toWaiting = await waitForStatus(page, room.appointmentId, "checked_in");
    expect((await room.doctor.post(`/consult/${room.appointmentId}`, { intent: "admit", confirmAway: "1" })).status).toBe(302);
    const toCall = await waitForStatus(page, room.appointmentId, "in_consultation");
    // The same page all along: no reload happened.
    expect(await page.evaluate(() => (window as { marker?: number }).marker)).toBe(1);
    expect(toWaiting).toBeLessThan(2000);
    expect(toCall).toBeLessThan(2000);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("is for clinic staff only; staff never read a consult note", async () => {
    const patient = client(baseURL);
    await patient.signIn(DEMO_ACCOUNTS.patient.email, DEMO_PASSWORD);
    const doctor = client(baseURL);
    await doctor.signIn(DEMO_ACCOUNTS.doctor.email, DEMO_PASSWORD);
    expect((await patient.get("/clinic/schedule")).status).toBe(403);
    expect((await doctor.get("/clinic/schedule")).status).toBe(403);
    expect((await patient.get("/clinic/schedule/csv")).status).toBe(403);

    const room = await openConsultation(baseURL);
    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    expect((await staff.get(`/consult/${room.appointmentId}`)).status).toBe(403);
    expect((await staff.post(`/consult/${room.appointmentId}/note`, { intent: "save", baseVersion: "0", subjective: "x" })).status).toBe(403);
    const details = await (await staff.get(`/appointments/${room.appointmentId}`)).text();
    expect(details).toContain("Consult note");
    // Back from an appointment leads to the staff's own list, not to the public home page.
    expect(details).toMatch(/<a[^>]*href="\/clinic\/schedule"[^>]*>←[^<]*(<!-- -->)?Clinic schedule<\/a>/);
    // The week view's buttons move a week and say so.
    const week = await (await staff.get("/clinic/schedule?view=week")).text();
    expect(week).toContain("Previous week");
    expect(week).toContain("Next week");

    const csv = await staff.get("/clinic/schedule/csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(await csv.text()).toContain(",");
  });

  it("downloads the CSV the filters show, with its header in the reader's language", async () => {
    const room = await openConsultation(baseURL);
    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const board = await (await staff.get(`${boardOf(room)}&doctor=${room.doctorId}&status=booked`)).text();
    const href = /href="(\/clinic\/schedule\/csv\?[^"]*)"/.exec(board)![1]!.replaceAll("&amp;", "&");
    const params = new URL(href, baseURL).searchParams;
    expect(params.get("doctor")).toBe(room.doctorId);
    expect(params.get("status")).toBe("booked");
    expect(params.get("date")).toBe(new URL(boardOf(room), baseURL).searchParams.get("date"));

    // (A byte-order mark leads the file for spreadsheets; text() reads past it.)
    const english = (await (await staff.get(href)).text()).split("\r\n");
    expect(english[0]).toBe("Date,Department,Doctor,Start,End,Status,Patient,Checked in,Admitted");
    // Only the filtered doctor's appointment: the header and one row.
    expect(english.filter(Boolean)).toHaveLength(2);
    const chinese = client(baseURL, "zh-CN", staff.cookie);
    const header = (await (await chinese.get(href)).text()).split("\r\n")[0];
    expect(header).toBe("日期,科室,医生,开始,结束,状态,患者,签到时间,接诊时间");
  });
});

describe("markup typed by patients", () => {
  it("stays inert text on the day view", async () => {
    const patient = client(baseURL);
    const name = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
    const registered = await patient.post("/register", { email: `xss-${crypto.randomUUID().slice(0, 8)}@test.example`, password: "a good long password", fullName: name });
    expect(registered.status).toBe(302);
    const directory = await (await fetch(`${baseURL}/doctors`)).text();
    const doctorId = [...directory.matchAll(/href="\/doctors\/([0-9a-f-]{36})"/g)].map((m) => m[1]!)[8]!;
    const start = (await doctorSlotStarts(baseURL, doctorId))
      .find((s) => new Date(s).getTime() > Date.now() + 24 * 60 * 60_000)!;
    const booked = await patient.post(`/doctors/${doctorId}/book?start=${encodeURIComponent(start)}`, {
      start,
      reason: "<b>bold</b> reason",
      idempotencyKey: crypto.randomUUID(),
    });
    expect(booked.status).toBe(302);
    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const { page, context, errors } = await openPage(browser, { session: { cookie: staff.cookie, baseURL }, viewport: { width: 1600, height: 1000 } });
    let dialogs = 0;
    page.on("dialog", (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    const day = new Date(start).toLocaleDateString("en-CA", { timeZone: CLINIC_ZONE });
    await page.goto(`${baseURL}/clinic/schedule?date=${day}`);
    await expect.poll(() => page.locator("a.blk", { hasText: "<img src=x" }).count()).toBe(1);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("a.blk img, a.blk script").count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
