import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../helpers/browser";
import { client, doctorSlotStarts } from "../helpers/http";
import { readEvent } from "../helpers/ical";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const unique = () => randomBytes(4).toString("hex");

/** A demo doctor's id and free slots, read from the directory and the profile page like a visitor. */
async function doctorWithSlots(index: number) {
  const html = await (await fetch(`${baseURL}/doctors`)).text();
  const ids = [...new Set([...html.matchAll(/href="\/doctors\/([0-9a-f-]{36})"/g)].map((m) => m[1]!))];
  const doctorId = ids[index]!;
  // Tomorrow and later: whatever the hour, none of these is inside the notice or taken by a room's test.
  return { doctorId, starts: (await doctorSlotStarts(baseURL, doctorId)).filter((s) => new Date(s).getTime() > Date.now() + 24 * 60 * 60_000) };
}

describe("booking in the browser", () => {
  it("a patient abroad books with a reason, sees both times, adds it to the calendar, reschedules and cancels", async () => {
    const { context, page, errors } = await openPage(browser, { timezoneId: "America/New_York" });
    await page.goto(`${baseURL}/register`);
    await page.getByLabel("Full name").fill("Wang Fang");
    await page.getByLabel("Email").fill(`abroad-${unique()}@test.example`);
    await page.getByLabel("Password").fill("a good long password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${baseURL}/doctors`);

    await page.getByLabel("Department").selectOption("respiratory");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/department=respiratory/);
    await page.getByRole("link", { name: "See free times" }).nth(1).click();
    await page.waitForURL(/\/doctors\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByText("Times are shown in your time zone (America/New_York).").count()).toBe(1);
    expect(await page.locator(".slot__clinic").count()).toBeGreaterThan(0);

    await page.locator("a.day-strip__day:not(.day-strip__day--current)").first().click();
    await page.waitForURL(/\?day=/);
    await page.locator(".slot-day button.slot:not([disabled])").nth(2).click();
    await page.waitForURL(/\/book\?start=/);
    // A too-short reason is refused by the field, and what was typed stays.
    await page.getByLabel("Reason for visit").fill("flu");
    await page.getByLabel("Symptoms (optional)").fill("Dry cough at night");
    await page.getByRole("button", { name: "Book appointment" }).click();
    await expect.poll(() => page.getByText("at least 5 characters").count()).toBe(1);
    expect(await page.getByLabel("Symptoms (optional)").inputValue()).toBe("Dry cough at night");
    await page.getByLabel("Reason for visit").fill("Cough and fever for three days");
    await page.getByRole("button", { name: "Book appointment" }).click();
    await page.waitForURL(/\/appointments\/[0-9a-f-]{36}\?booked=1$/);
    expect(await page.getByRole("status").textContent()).toBe("Your appointment is booked.");
    expect(await page.getByText("in the clinic (Asia/Shanghai)").count()).toBe(1);
    const appointmentUrl = page.url().replace(/\?.*$/, "");

    const calendar = await context.request.get(`${appointmentUrl}/calendar.ics`);
    expect(calendar.headers()["content-type"]).toContain("text/calendar");
    const first = readEvent(await calendar.text());
    expect(first.status).toBe("CONFIRMED");
    expect(first.url).toBe(appointmentUrl);
    expect(first.description).not.toContain("Cough");

    await page.getByRole("link", { name: "Reschedule" }).click();
    await page.waitForURL(/reschedule$/);
    await page.locator("a.day-strip__day:not(.day-strip__day--current)").nth(1).click();
    await page.waitForURL(/reschedule\?day=/);
    await page.locator(".slot-day button.slot:not([disabled])").first().click();
    await page.waitForURL(/reschedule\?day=.*&start=/);
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.waitForURL(/rescheduled=1$/);
    const moved = readEvent(await (await context.request.get(`${appointmentUrl}/calendar.ics`)).text());
    expect(moved.uid).toBe(first.uid);
    expect(moved.sequence).toBe(first.sequence + 1);
    expect(moved.start.getTime()).not.toBe(first.start.getTime());

    await page.getByText("Cancel appointment").click();
    await page.getByLabel("Reason for cancelling").fill("Feeling better");
    await page.getByRole("button", { name: "Cancel this appointment" }).click();
    await page.waitForURL(/cancelled=1$/);
    // The address changes as the new data arrives: the page shows it a moment later.
    await expect.poll(() => page.locator("h1 .status").textContent()).toBe("Cancelled");
    const cancelled = readEvent(await (await context.request.get(`${appointmentUrl}/calendar.ics`)).text());
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.uid).toBe(first.uid);
    expect(cancelled.sequence).toBeGreaterThan(moved.sequence);

    await page.getByRole("link", { name: "My appointments" }).first().click();
    await expect.poll(() => page.getByRole("heading", { name: "Past" }).count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("booking over HTTP", () => {
  it("answers 50 concurrent bookings of one slot with one appointment and 49 × 409 offering the nearest free times", async () => {
    const { doctorId, starts } = await doctorWithSlots(3);
    const start = starts[4]!;
    const patients = Array.from({ length: 50 }, () => client(baseURL));
    await Promise.all(patients.map((p) => p.register(`crowd-${unique()}@test.example`)));
    const t0 = performance.now();
    const responses = await Promise.all(
      patients.map((p) =>
        p.post(`/doctors/${doctorId}/book?start=${encodeURIComponent(start)}`, {
          start,
          reason: "Fever since yesterday",
          symptoms: "",
          idempotencyKey: crypto.randomUUID(),
        }),
      ),
    );
    const elapsed = performance.now() - t0;
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 302)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const loser = await responses.find((r) => r.status === 409)!.text();
    expect(loser).toContain("This time was just taken by another patient.");
    expect(loser).toContain("Free times nearby");
    // Under 2 s on the idle 2-core machine (2.1–2.4 s while it was loaded); the bound leaves room for a loaded CI
    // host (the same machine ran its CPU-bound steps 50 % slower at times). Figures: `npm run bench`.
    expect(elapsed).toBeLessThan(4000);
    const after = await doctorSlotStarts(baseURL, doctorId);
    expect(after).not.toContain(start);
  });

  it("makes one appointment of a form submitted twice", async () => {
    const { doctorId, starts } = await doctorWithSlots(5);
    const patient = client(baseURL);
    await patient.register(`twice-${unique()}@test.example`);
    const form = { start: starts[0]!, reason: "Rash on both arms", symptoms: "", idempotencyKey: crypto.randomUUID() };
    const path = `/doctors/${doctorId}/book?start=${encodeURIComponent(starts[0]!)}`;
    const [a, b] = await Promise.all([patient.post(path, form), patient.post(path, form)]);
    expect([a.status, b.status]).toEqual([302, 302]);
    expect(a.headers.get("Location")).toBe(b.headers.get("Location"));
    const list = await (await patient.get("/appointments")).text();
    expect(list.match(/href="\/appointments\/[0-9a-f-]{36}"/g)).toHaveLength(1);
  });

  it("answers a malformed booking with 400 and a message, and a stranger's appointment with 404", async () => {
    const { doctorId, starts } = await doctorWithSlots(6);
    const owner = client(baseURL);
    await owner.register(`owner-${unique()}@test.example`);
    const path = `/doctors/${doctorId}/book?start=${encodeURIComponent(starts[0]!)}`;
    const bad = await owner.post(path, { start: starts[0]!, reason: "ok", idempotencyKey: crypto.randomUUID() });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("at least 5 characters");
    const notASlot = await owner.post(path, { start: "2020-01-01T00:00:00Z", reason: "Long enough", idempotencyKey: crypto.randomUUID() });
    expect(notASlot.status).toBe(400);
    const good = await owner.post(path, { start: starts[0]!, reason: "Itchy skin for a week", idempotencyKey: crypto.randomUUID() });
    const location = good.headers.get("Location")!.replace(/\?.*$/, "");
    const stranger = client(baseURL);
    await stranger.register(`stranger-${unique()}@test.example`);
    expect((await stranger.get(location)).status).toBe(404);
    expect((await stranger.get(`${location}/calendar.ics`)).status).toBe(404);
    expect((await stranger.post(location, { reason: "mischief" })).status).toBe(404);
    expect((await stranger.get(`${location}/reschedule`)).status).toBe(404);
    expect((await stranger.post(`${location}/reschedule`, { start: starts[1]! })).status).toBe(404);
    // The owner's appointment is untouched by all of that.
    expect(await (await owner.get(location)).text()).not.toContain("Cancelled");
    expect((await owner.get(`/appointments/not-a-uuid`)).status).toBe(404);
  });
});
