import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { addExtraHours, makeTestDoctor, setClinicSettings } from "../helpers/consult-e2e";
import { client, doctorSlotStarts } from "../helpers/http";
import { expectVideoFlowing } from "../helpers/page-probes";
import { FAKE_JPEG, metadataOf, PHOTO_CAMERA, photoWithGps } from "../helpers/photos";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

/** A refused upload answers 4xx, which Chromium logs as a failed resource: that is the refusal under test. */
const refusalNoise = /status of 4\d\d/;
const attachmentIds = (html: string) => [...new Set([...html.matchAll(/\/attachments\/([0-9a-f-]{36})/g)].map((m) => m[1]!))];

describe("photos and files of a consultation (issue 14 item 1)", () => {
  it("go from the booking page and from the call to the doctor's room without a reload, stripped of GPS, and to nobody else", async () => {
    // A doctor of the test's own with a session around now, and a new patient.
    await setClinicSettings(baseURL, { minNoticeMinutes: 0 });
    const doctor = await makeTestDoctor(baseURL);
    const step = 5 * 60_000;
    await addExtraHours(doctor.client, new Date(Math.floor(Date.now() / step) * step - step), 60);
    const patientClient = client(baseURL);
    await patientClient.register(`files-${randomBytes(4).toString("hex")}@test.example`);
    const start = (await doctorSlotStarts(baseURL, doctor.id)).find((s) => new Date(s).getTime() <= Date.now() + 14 * 60_000)!;

    const patient = await openPage(browser, { session: { cookie: patientClient.cookie, baseURL }, viewport: { width: 1280, height: 900 } });
    const doctorPage = await openPage(browser, { session: { cookie: doctor.client.cookie, baseURL }, viewport: { width: 1280, height: 900 } });

    // The booking page: a "photo" that is really a web page is refused with a message, and nothing is booked.
    await patient.page.goto(`${baseURL}/doctors/${doctor.id}/book?start=${encodeURIComponent(start)}`);
    await patient.page.getByLabel("Reason for visit").fill("A rash on my forearm for a week");
    const files = patient.page.getByLabel("Attach photo or file");
    await files.setInputFiles({ name: "rash.jpg", mimeType: "image/jpeg", buffer: FAKE_JPEG });
    await patient.page.getByRole("button", { name: "Book" }).click();
    await patient.page.getByText("That file is not a JPEG, PNG or HEIC photo").waitFor({ timeout: 10_000 });
    expect(patient.page.url()).toContain("/book");
    expect(await patient.page.getByLabel("Reason for visit").inputValue()).toBe("A rash on my forearm for a week");

    // A real photo, GPS and all: booked, and shown on the appointment's page.
    await files.setInputFiles({ name: "rash.jpg", mimeType: "image/jpeg", buffer: await photoWithGps(1600, 1200) });
    await patient.page.getByRole("button", { name: "Book" }).click();
    await patient.page.waitForURL(/\/appointments\/[0-9a-f-]{36}\?booked=1/, { timeout: 15_000 });
    const appointmentId = /appointments\/([0-9a-f-]{36})/.exec(patient.page.url())![1]!;
    await patient.page.locator('.attachments img[alt="rash.jpg"]').waitFor({ timeout: 5000 });

    // The consultation: check in, the doctor admits, the call is on.
    await doctorPage.page.goto(`${baseURL}/consult/${appointmentId}`);
    await patient.page.goto(`${baseURL}/consult/${appointmentId}`);
    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctorPage.page.getByRole("button", { name: "Admit" }).count(), { timeout: 10_000 }).toBe(1);
    await doctorPage.page.getByRole("button", { name: "Admit" }).click();
    await expectVideoFlowing(patient.page);
    await expectVideoFlowing(doctorPage.page);
    // The doctor sees the booking's photo beside the call.
    await doctorPage.page.locator('.attachments img[alt="rash.jpg"]').waitFor({ timeout: 5000 });

    // During the call the patient adds another; the doctor's page shows it without reading the page again.
    await doctorPage.page.evaluate(() => Object.assign(window, { __sameDocument: true }));
    // The patient's room keeps them under "Photos and files (1)", opened on demand (its code comes then).
    await patient.page.getByText("Photos and files (1)").click();
    await patient.page.locator('.attachments img[alt="rash.jpg"]').waitFor({ timeout: 5000 });
    await patient.page
      .getByLabel("Attach photo or file")
      .setInputFiles({ name: "closer.jpg", mimeType: "image/jpeg", buffer: await photoWithGps(800, 600, { r: 90, g: 160, b: 90 }) });
    await doctorPage.page.locator('.attachments img[alt="closer.jpg"]').waitFor({ timeout: 10_000 });
    expect(await doctorPage.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    // The patient's upload went beside the call: still in the room.
    await patient.page.locator('.attachments img[alt="closer.jpg"]').waitFor({ timeout: 5000 });
    expect(new URL(patient.page.url()).pathname).toBe(`/consult/${appointmentId}`);
    await expect.poll(() => doctorPage.page.locator(".attachments__item").count()).toBe(2);
    // The thumbnails load (served to the doctor), and the call went on.
    await expect
      .poll(() => doctorPage.page.locator(".attachments img").evaluateAll((images) => images.every((i) => (i as HTMLImageElement).naturalWidth > 0)), { timeout: 5000 })
      .toBe(true);
    await expectVideoFlowing(doctorPage.page);

    // What is stored and served has no EXIF: no GPS, no camera; served as what it is.
    const ids = attachmentIds(await doctorPage.page.content());
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      const response = await doctorPage.page.request.get(`${baseURL}/attachments/${id}`);
      expect(response.status()).toBe(200);
      expect(response.headers()).toMatchObject({ "content-type": "image/jpeg", "x-content-type-options": "nosniff", "cache-control": "private, no-store" });
      expect(response.headers()["content-security-policy"]).toContain("sandbox");
      expect(response.headers()["content-disposition"]).toMatch(/^inline; filename\*=UTF-8''(rash|closer)\.jpg$/);
      const body = await response.body();
      expect(await metadataOf(body)).toMatchObject({ exif: null, xmp: null });
      expect(body.includes(PHOTO_CAMERA)).toBe(false);
    }

    // Another patient and another doctor: not found, the file and its thumbnail alike.
    const otherPatient = client(baseURL);
    await otherPatient.register(`other-${randomBytes(4).toString("hex")}@test.example`);
    const otherDoctor = await makeTestDoctor(baseURL);
    for (const stranger of [otherPatient, otherDoctor.client]) {
      for (const id of ids) {
        expect((await stranger.get(`/attachments/${id}`)).status).toBe(404);
        expect((await stranger.get(`/attachments/${id}?variant=thumbnail`)).status).toBe(404);
      }
    }

    for (const side of [patient, doctorPage]) {
      expect(side.errors.filter((e) => !refusalNoise.test(e))).toEqual([]);
      await side.context.close();
    }
  });
});
