import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { openConsultation } from "../helpers/consult-e2e";
import { audioReceived, expectAudioFlowing, expectVideoFlowing } from "../helpers/page-probes";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

/** The browser refuses the camera (the person blocked it), as it does: NotAllowedError for any request with video. */
async function blockCamera(context: BrowserContext) {
  await context.addInitScript(() => {
    const media = navigator.mediaDevices;
    const original = media.getUserMedia.bind(media);
    media.getUserMedia = (constraints) =>
      constraints?.video ? Promise.reject(new DOMException("Permission denied", "NotAllowedError")) : original(constraints);
  });
}

describe("a patient whose camera is blocked", () => {
  it("is told so with the steps for their browser, checks in by voice, the doctor sees it before Admit, and after Admit sound flows both ways", async () => {
    const room = await openConsultation(baseURL, { fullName: "Voice Patient" });
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL } });
    await blockCamera(patient.context);
    await patient.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await expect.poll(() => patient.page.getByText("Your camera is blocked or missing.", { exact: false }).count(), { timeout: 10_000 }).toBe(1);
    // The steps of the browser in use (headless Chromium on Linux: a desktop browser's).
    expect(await patient.page.getByText("Click the icon left of the address, allow Camera and Microphone").count()).toBe(1);
    expect(await patient.page.getByRole("button", { name: "Turn camera off" }).count()).toBe(0);
    await patient.page.getByRole("button", { name: "Check in by voice" }).click();
    await expect.poll(() => patient.page.getByText(/You are number \d in the queue\./).count(), { timeout: 10_000 }).toBe(1);

    // The doctor sees how the patient joins, on Today and in the room, before admitting.
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 900 } });
    await doctor.page.goto(`${baseURL}/doctor/today`);
    expect(await doctor.page.locator(`[data-appointment-id="${room.appointmentId}"]`).getByText("Voice only").count()).toBe(1);
    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    expect(await doctor.page.getByText("The patient's camera is blocked or missing: the call will be voice only.").count()).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit", exact: true }).click();

    // The patient sees the doctor; the doctor's page says there is no picture; sound goes both ways.
    await expectVideoFlowing(patient.page);
    await expect.poll(() => doctor.page.getByText("Voice only: the other side has no camera.").count(), { timeout: 15_000 }).toBe(1);
    await expectAudioFlowing(doctor.page);
    await expectAudioFlowing(patient.page);
    expect(await audioReceived(doctor.page)).toBeGreaterThan(0);

    expect(patient.errors).toEqual([]);
    expect(doctor.errors).toEqual([]);
    await patient.context.close();
    await doctor.context.close();
  });

  it("checks in for chat when the microphone cannot be used either, and the check-in says so to the doctor", async () => {
    const room = await openConsultation(baseURL, { fullName: "Chat Patient" });
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL } });
    await patient.context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    });
    await patient.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await patient.page.getByRole("button", { name: "Check in for chat" }).click();
    await expect.poll(() => patient.page.getByText(/You are number \d in the queue\./).count(), { timeout: 10_000 }).toBe(1);
    const html = await (await room.doctor.get(`/consult/${room.appointmentId}`)).text();
    expect(html).toContain("The patient&#x27;s camera and microphone cannot be used: talk by chat.");
    expect(patient.errors).toEqual([]);
    await patient.context.close();
  });
});
