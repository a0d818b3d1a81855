import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { bookFirstSlot, CLINIC_ZONE, openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

type Client = ReturnType<typeof client>;

/**
 * A patient on their consultation room's page, tapped once (a browser lets the admitted alert vibrate
 * only after a tap). The page stays open until the test closes it.
 */
async function openRoom(patient: Client, appointmentId: string) {
  const opened = await openPage(browser, { session: { cookie: patient.cookie, baseURL } });
  await opened.page.goto(`${baseURL}/consult/${appointmentId}`);
  await opened.page.locator("h1").click();
  return opened;
}

/** A patient on their room's page, checked in. */
async function checkInOnPage(patient: Client, appointmentId: string) {
  const opened = await openRoom(patient, appointmentId);
  await opened.page.getByRole("button", { name: "Check in" }).click();
  await expect.poll(() => opened.page.getByText(/You are number \d in the queue\./).count(), { timeout: 15_000 }).toBe(1);
  return opened;
}

/** A second patient of the room's doctor, booked into another slot whose room is open now. */
async function anotherPatient(doctorId: string) {
  const patient = client(baseURL);
  await patient.register(`queue-${crypto.randomUUID().slice(0, 8)}@test.example`, undefined, "Second Patient");
  const { appointmentId } = await bookFirstSlot(baseURL, patient, doctorId, (start) => start.getTime() <= Date.now() + 14 * 60_000, "Sore throat");
  return { patient, appointmentId };
}

const row = (page: Page, appointmentId: string) => page.locator(`[data-appointment-id="${appointmentId}"]`);

/** "09:02 AM" as Today shows a time (the clinic's zone), for now and the minute before (a close may straddle it). */
const clinicTimesAroundNow = () => {
  const format = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", timeZone: CLINIC_ZONE });
  return [format.format(Date.now()), format.format(Date.now() - 60_000)];
};

/** Whether the doctor's Today, read now, shows this patient as here (their page's arrival is on record). */
async function hereOnToday(doctor: Client, appointmentId: string) {
  const html = await (await doctor.get("/doctor/today")).text();
  const start = html.indexOf(`data-appointment-id="${appointmentId}"`);
  return start !== -1 && html.slice(start, html.indexOf("</li>", start)).includes("Here now");
}

async function statusOf(doctor: Client, appointmentId: string) {
  const html = await (await doctor.get(`/consult/${appointmentId}`)).text();
  const heading = /<h1>([^]*?)<\/h1>/.exec(html)?.[1] ?? "";
  return /class="status status--([a-z_]+)"/.exec(heading)?.[1];
}

describe("the doctor's queue knows who is here", () => {
  it("a waiting patient who closes their consultation page shows as away on the doctor's Today within 10 s, without a reload, and Admit asks first", async () => {
    const room = await openConsultation(baseURL, { fullName: "Waiting Patient" });
    const patient = await checkInOnPage(room.patient, room.appointmentId);
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 800 } });
    await doctor.page.goto(`${baseURL}/doctor/today`);
    await doctor.page.evaluate(() => ((window as { marker?: number }).marker = 1));
    await expect.poll(() => row(doctor.page, room.appointmentId).getByText("Here now").count(), { timeout: 10_000 }).toBe(1);
    expect(await doctor.page.locator('.day-counts [data-status="checked_in"]').getByText("(1 here)").count()).toBe(1);

    await patient.page.close();
    const closedAt = Date.now();
    await expect.poll(() => row(doctor.page, room.appointmentId).getByText(/^Away since /).count(), { timeout: 10_000 }).toBe(1);
    expect(Date.now() - closedAt).toBeLessThan(10_000);
    const away = await row(doctor.page, room.appointmentId).getByText(/^Away since /).textContent();
    expect(clinicTimesAroundNow().map((time) => `Away since ${time}`)).toContain(away);
    expect(await doctor.page.locator('.day-counts [data-status="checked_in"]').getByText("(0 here)").count()).toBe(1);
    // Nobody here: "Admit next" has nobody to admit.
    expect(await doctor.page.getByRole("button", { name: "Admit next" }).isDisabled()).toBe(true);
    // The same page all along.
    expect(await doctor.page.evaluate(() => (window as { marker?: number }).marker)).toBe(1);

    // Admitting them by name asks first; "Don't admit" leaves them waiting.
    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await doctor.page.getByRole("button", { name: "Admit", exact: true }).click();
    await expect.poll(() => doctor.page.getByText(/^Waiting Patient is not on the consultation page \(away since /).count(), { timeout: 10_000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Don't admit" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit anyway" }).count(), { timeout: 10_000 }).toBe(0);
    expect(await statusOf(room.doctor, room.appointmentId)).toBe("checked_in");

    // They come back: here again, and Admit admits at once.
    const back = await openRoom(room.patient, room.appointmentId);
    await expect.poll(() => hereOnToday(room.doctor, room.appointmentId), { timeout: 10_000 }).toBe(true);
    await doctor.page.getByRole("button", { name: "Admit", exact: true }).click();
    await expect.poll(() => statusOf(room.doctor, room.appointmentId), { timeout: 10_000 }).toBe("in_consultation");
    expect([...patient.errors, ...doctor.errors, ...back.errors]).toEqual([]);
    await Promise.all([patient.context.close(), doctor.context.close(), back.context.close()]);
  });

  it("Admit next admits the first waiting patient who is here, passing over one who left; Sign note and admit next moves on to the next", async () => {
    // The first in the queue (the earlier time) leaves their page; the second stays.
    const room = await openConsultation(baseURL, { fullName: "First Patient" });
    const second = await anotherPatient(room.doctorId);
    const first = await checkInOnPage(room.patient, room.appointmentId);
    const secondPage = await checkInOnPage(second.patient, second.appointmentId);
    expect(await first.page.getByText("You are number 1 in the queue.").count()).toBe(1);
    await first.page.close();

    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 800 } });
    doctor.page.on("dialog", (dialog) => void dialog.accept());
    await doctor.page.goto(`${baseURL}/doctor/today`);
    await expect.poll(() => row(doctor.page, room.appointmentId).getByText(/^Away since /).count(), { timeout: 10_000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit next" }).click();
    await doctor.page.waitForURL(`${baseURL}/consult/${second.appointmentId}`);
    expect(await statusOf(room.doctor, second.appointmentId)).toBe("in_consultation");
    expect(await statusOf(room.doctor, room.appointmentId)).toBe("checked_in");
    // A second press while the call is on admits nobody else.
    const again = await room.doctor.post("/doctor/today", { intent: "admitNext" });
    expect(again.status).toBe(409);
    expect(await statusOf(room.doctor, room.appointmentId)).toBe("checked_in");

    // The visit ends; the first patient comes back to their page meanwhile.
    expect((await room.doctor.post(`/consult/${second.appointmentId}`, { intent: "end" })).status).toBe(302);
    await doctor.page.goto(`${baseURL}/doctor/today`);
    expect(await row(doctor.page, second.appointmentId).getByText("Note not signed").count()).toBe(1);
    expect(await doctor.page.locator('.day-counts [data-status="completed"]').getAttribute("data-count")).toBe("1");
    await doctor.page.goto(`${baseURL}/consult/${second.appointmentId}`);
    const back = await openRoom(room.patient, room.appointmentId);
    await expect.poll(() => hereOnToday(room.doctor, room.appointmentId), { timeout: 10_000 }).toBe(true);

    // An empty note cannot be signed: it says so, and nobody is admitted.
    await doctor.page.getByRole("button", { name: "Sign note and admit next" }).click();
    await expect.poll(() => doctor.page.getByText("Write the note before signing it.").count(), { timeout: 10_000 }).toBe(1);
    expect(await statusOf(room.doctor, room.appointmentId)).toBe("checked_in");
    await doctor.page.getByLabel("Diagnosis").fill("Acute pharyngitis");
    await doctor.page.getByRole("button", { name: "Sign note and admit next" }).click();
    await doctor.page.waitForURL(`${baseURL}/consult/${room.appointmentId}`);
    expect(await statusOf(room.doctor, room.appointmentId)).toBe("in_consultation");

    // Today: the finished visit's note is signed now.
    await doctor.page.goto(`${baseURL}/doctor/today`);
    await expect.poll(() => row(doctor.page, second.appointmentId).count(), { timeout: 10_000 }).toBe(1);
    expect(await row(doctor.page, second.appointmentId).getByText("Note not signed").count()).toBe(0);
    expect([...first.errors, ...secondPage.errors, ...doctor.errors, ...back.errors]).toEqual([]);
    await Promise.all([first.context.close(), secondPage.context.close(), doctor.context.close(), back.context.close()]);
  });
});
