import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addDays, localDateOf, parseTimeOfDay, zonedToInstant } from "~/utils/zoned-time";
import { launchBrowser, openPage } from "../helpers/browser";
import { CLINIC_ZONE, makeTestDoctor, setClinicSettings } from "../helpers/consult-e2e";
import { client, doctorSlotStarts, pickerDays } from "../helpers/http";
import { readEvent } from "../helpers/ical";

/*
 * The time picker on a doctor of the test's own, whose only hours are the ones added here on days
 * counted from the run's today: nothing depends on the hour it runs at (.ci/run also runs it at fixed
 * instants, one a clinic on the night its clocks change), nor on the demo hospital's slots.
 */

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  // The clinic in the run's zone, with the usual hour of notice.
  await setClinicSettings(baseURL, { minNoticeMinutes: 60 });
});
afterAll(async () => {
  await browser?.close();
});

const unique = () => randomBytes(4).toString("hex");

/** Extra hours of a test doctor in 15-minute slots, on a date of the clinic's calendar (wall-clock times). */
async function addHours(doctor: ReturnType<typeof client>, date: string, from: string, until: string) {
  const response = await doctor.post("/doctor/availability", {
    intent: "addExtra",
    startDate: date,
    endDate: date,
    startTime: from,
    endTime: until,
    slotMinutes: "15",
    note: "",
  });
  expect(response.status).toBe(200);
}

/** The instant of a wall-clock time on a date in the clinic (which the tests' patients share). */
const clinicTime = (date: string, time: string) => zonedToInstant(date, parseTimeOfDay(time), CLINIC_ZONE).toISOString();

describe("the time picker", () => {
  it("shows a week of days with what is left, a day by morning and afternoon, More times, and asks before a reschedule or a nearby time", async () => {
    // A doctor of the test's own: tomorrow 08:00–10:00 and 14:00–16:00, two times three days from now.
    // Whatever the hour, both days are in the week the profile opens on, and past the notice.
    const doctor = await makeTestDoctor(baseURL);
    const tomorrow = addDays(localDateOf(new Date(), CLINIC_ZONE), 1);
    const later = addDays(tomorrow, 2);
    await addHours(doctor.client, tomorrow, "08:00", "10:00");
    await addHours(doctor.client, tomorrow, "14:00", "16:00");
    await addHours(doctor.client, later, "09:00", "09:30");
    const patient = client(baseURL);
    await patient.register(`picker-${unique()}@test.example`);
    const { context, page, errors } = await openPage(browser, { timezoneId: CLINIC_ZONE, session: { cookie: patient.cookie, baseURL } });

    await page.goto(`${baseURL}/doctors/${doctor.id}`);
    const strip = page.locator(".day-strip .day-strip__day");
    expect(await strip.count()).toBe(7);
    expect(await page.locator(".day-strip__day--none").count()).toBe(5);
    expect(await page.locator(".day-strip__day--none").first().innerText()).toContain("None");
    expect(await page.locator(`[data-day="${tomorrow}"]`).innerText()).toContain("16 left");
    expect(await page.locator(`[data-day="${later}"]`).innerText()).toContain("2 left");
    expect(await page.locator(`[data-day="${tomorrow}"]`).getAttribute("aria-current")).toBe("date");
    expect([await page.locator("[data-week=earlier]").count(), await page.locator("[data-week=later]").count()]).toEqual([0, 1]);

    // Morning and afternoon, six of each at once; More times shows the other two.
    expect(await page.locator(".day-part__title").allInnerTexts()).toEqual(["Morning", "Afternoon"]);
    const morning = page.locator('[data-part="morning"] [data-start]');
    expect(await morning.evaluateAll((items) => items.map((li) => li.getAttribute("data-start")))).toEqual(
      Array.from({ length: 8 }, (_, i) => clinicTime(tomorrow, `0${8 + Math.floor(i / 4)}:${String((i % 4) * 15).padStart(2, "0")}`)),
    );
    expect(await morning.filter({ visible: true }).count()).toBe(6);
    expect(await page.locator('[data-part="afternoon"] [data-start]').filter({ visible: true }).count()).toBe(6);
    await page.locator('[data-part="morning"]').getByText("More times (2)").click();
    expect(await morning.filter({ visible: true }).count()).toBe(8);
    expect(await page.locator('[data-part="afternoon"] [data-start]').filter({ visible: true }).count()).toBe(6);

    // Another day of the strip, then book tomorrow 08:00.
    await page.locator(`[data-day="${later}"]`).click();
    await page.waitForURL(new RegExp(`\\?day=${later}$`));
    await expect.poll(() => page.locator(".slot-day [data-start]").count()).toBe(2);
    await page.locator(`[data-day="${tomorrow}"]`).click();
    await page.locator(`[data-start="${clinicTime(tomorrow, "08:00")}"] button`).click();
    await page.waitForURL(/\/book\?start=/);
    await page.getByLabel("Reason for visit").fill("Cough and fever for three days");
    await page.getByRole("button", { name: "Book appointment" }).click();
    await page.waitForURL(/\/appointments\/[0-9a-f-]{36}\?booked=1$/);
    const appointmentUrl = page.url().replace(/\?.*$/, "");
    const startOf = async () => readEvent(await (await context.request.get(`${appointmentUrl}/calendar.ics`)).text()).start.toISOString();
    expect(await startOf()).toBe(clinicTime(tomorrow, "08:00"));

    // Reschedule: a time only asks; "Choose another time" goes back; only Confirm moves it.
    await page.getByRole("link", { name: "Reschedule" }).click();
    await page.waitForURL(/reschedule$/);
    await page.locator(`[data-start="${clinicTime(tomorrow, "08:15")}"] button`).click();
    await page.waitForURL(/reschedule\?day=.*&start=/);
    expect(await page.locator(".confirm-change__question").innerText()).toBe("Move from 08:00 AM to 08:15 AM?");
    expect(await startOf()).toBe(clinicTime(tomorrow, "08:00"));
    await page.getByRole("link", { name: "Choose another time" }).click();
    await page.waitForURL(new RegExp(`reschedule\\?day=${tomorrow}$`));
    expect(await startOf()).toBe(clinicTime(tomorrow, "08:00"));
    await page.locator(`[data-start="${clinicTime(tomorrow, "08:15")}"] button`).click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.waitForURL(/rescheduled=1$/);
    expect(await startOf()).toBe(clinicTime(tomorrow, "08:15"));

    // The time asked about is taken before Confirm: the nearest free times, and one of them asks again.
    const rival = client(baseURL);
    await rival.register(`rival-${unique()}@test.example`);
    const bookAs = (who: typeof rival, start: string) =>
      who.post(`/doctors/${doctor.id}/book?start=${encodeURIComponent(start)}`, { start, reason: "Rash on both arms", symptoms: "", idempotencyKey: crypto.randomUUID() });
    await page.getByRole("link", { name: "Reschedule" }).click();
    await page.locator(`[data-start="${clinicTime(tomorrow, "08:30")}"] button`).click();
    await page.locator(".confirm-change").waitFor();
    expect((await bookAs(rival, clinicTime(tomorrow, "08:30"))).status).toBe(302);
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => page.getByText("This time was just taken by another patient.").count()).toBe(1);
    await page.locator(`[data-alternative="${clinicTime(tomorrow, "08:45")}"] button`).click();
    await page.waitForURL((url) => url.searchParams.get("start") === clinicTime(tomorrow, "08:45"));
    expect(await page.locator(".confirm-change__question").innerText()).toBe("Move from 08:15 AM to 08:45 AM?");
    expect(await startOf()).toBe(clinicTime(tomorrow, "08:15"));
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.waitForURL(/rescheduled=1$/);
    expect(await startOf()).toBe(clinicTime(tomorrow, "08:45"));

    // Booking a time someone just took: a nearby time asks first, keeping the reason typed, and then books.
    expect((await bookAs(rival, clinicTime(tomorrow, "09:00"))).status).toBe(302);
    await page.goto(`${baseURL}/doctors/${doctor.id}/book?start=${encodeURIComponent(clinicTime(tomorrow, "09:00"))}`);
    await page.getByLabel("Reason for visit").fill("Itchy skin for a week");
    await page.locator(`[data-alternative="${clinicTime(tomorrow, "09:15")}"] button`).click();
    await expect.poll(() => page.locator(".confirm-change__question").count()).toBe(1);
    expect(await page.locator(".confirm-change__question").innerText()).toBe("09:00 AM is taken. Book 09:15 AM instead?");
    expect(await page.getByLabel("Reason for visit").inputValue()).toBe("Itchy skin for a week");
    expect((await (await patient.get("/appointments")).text()).match(/href="\/appointments\/[0-9a-f-]{36}"/g)).toHaveLength(1);
    await page.getByRole("button", { name: "Choose another time" }).click();
    await page.locator(`[data-alternative="${clinicTime(tomorrow, "09:15")}"] button`).click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.waitForURL(/\/appointments\/[0-9a-f-]{36}\?booked=1$/);
    expect(await page.getByText("Itchy skin for a week").count()).toBe(1);
    expect(errors).toEqual([]);

    // Without JavaScript: More times opens all the same, and a reschedule is a question (GET) and then a POST.
    const noScript = await browser.newContext({ javaScriptEnabled: false, timezoneId: CLINIC_ZONE, viewport: { width: 390, height: 844 } });
    await noScript.addCookies(
      patient.cookie.split("; ").map((pair) => {
        const eq = pair.indexOf("=");
        return { name: pair.slice(0, eq), value: pair.slice(eq + 1), domain: new URL(baseURL).hostname, path: "/", secure: true, httpOnly: true, sameSite: "Lax" as const };
      }),
    );
    const plain = await noScript.newPage();
    await plain.goto(`${baseURL}/doctors/${doctor.id}?day=${tomorrow}`);
    const afternoon = plain.locator('[data-part="afternoon"] [data-start]');
    expect(await afternoon.filter({ visible: true }).count()).toBe(6);
    await plain.locator('[data-part="afternoon"]').getByText("More times (2)").click();
    expect(await afternoon.filter({ visible: true }).count()).toBe(8);
    await plain.goto(`${appointmentUrl}/reschedule`);
    await plain.locator(`[data-start="${clinicTime(tomorrow, "14:00")}"] button`).click();
    await plain.waitForURL(/start=/);
    expect(await plain.locator(".confirm-change__question").innerText()).toBe("Move from 08:45 AM to 02:00 PM?");
    await plain.getByRole("button", { name: "Confirm" }).click();
    await plain.waitForURL(/rescheduled=1$/);
    expect(await startOf()).toBe(clinicTime(tomorrow, "14:00"));
    await noScript.close();
    await context.close();
  });

  it("reads every week of the horizon from the profile's links, as a visitor would", async () => {
    const doctor = await makeTestDoctor(baseURL);
    const inTwoWeeks = addDays(localDateOf(new Date(), CLINIC_ZONE), 15);
    await addHours(doctor.client, inTwoWeeks, "10:00", "10:30");
    const html = await (await fetch(`${baseURL}/doctors/${doctor.id}`)).text();
    // The profile opens on the week of the first free time, with the earlier weeks one link away.
    expect(pickerDays(html)).toEqual([inTwoWeeks]);
    expect(html).toContain('data-week="earlier"');
    expect(await doctorSlotStarts(baseURL, doctor.id)).toEqual([clinicTime(inTwoWeeks, "10:00"), clinicTime(inTwoWeeks, "10:15")]);
  });
});
