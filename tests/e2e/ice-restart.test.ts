import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { openConsultation } from "../helpers/consult-e2e";
import { expectAudioFlowing, expectVideoFlowing, framesDecoded } from "../helpers/page-probes";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

/** Counts the offers a page makes that restart ICE (the test's own instrument, set before the page loads). */
function countIceRestarts() {
  const counted = window as unknown as { __iceRestartOffers: number; __connections: number };
  counted.__iceRestartOffers = 0;
  counted.__connections = 0;
  const Original = window.RTCPeerConnection;
  const createOffer = Original.prototype.createOffer;
  Original.prototype.createOffer = function (this: RTCPeerConnection, ...args: unknown[]) {
    if ((args[0] as RTCOfferOptions | undefined)?.iceRestart) counted.__iceRestartOffers++;
    return (createOffer as (...a: unknown[]) => Promise<RTCSessionDescriptionInit>).apply(this, args);
  } as typeof createOffer;
  window.RTCPeerConnection = new Proxy(Original, {
    construct(target, args: [RTCConfiguration?]) {
      counted.__connections++;
      return new target(...args);
    },
  });
}
const counts = (page: Page) =>
  page.evaluate(() => {
    const counted = window as unknown as { __iceRestartOffers: number; __connections: number };
    return { restarts: counted.__iceRestartOffers, connections: counted.__connections };
  });
/** The id of the other side's video track the page shows: a fresh connection brings new tracks. */
const remoteTrack = (page: Page) =>
  page.evaluate(() => (document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]')?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.id ?? null);

describe("a network change in the middle of a call (issue 14 item 3)", () => {
  it("restarts ICE on the same connection: no re-join, the same tracks, and picture and sound go on", async () => {
    const room = await openConsultation(baseURL);
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL }, viewport: { width: 1280, height: 800 } });
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 800 } });
    for (const side of [patient, doctor]) await side.context.addInitScript(countIceRestarts);
    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await patient.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 10_000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();
    for (const page of [patient.page, doctor.page]) await expectVideoFlowing(page);
    const before = { patient: await counts(patient.page), doctor: await counts(doctor.page) };
    const tracks = { patient: await remoteTrack(patient.page), doctor: await remoteTrack(doctor.page) };
    expect(tracks.patient && tracks.doctor).toBeTruthy();

    // The patient's phone moves to another network: the browser says it is online again.
    await patient.page.evaluate(() => window.dispatchEvent(new Event("online")));
    await expect.poll(async () => (await counts(doctor.page)).restarts, { timeout: 5000 }).toBe(before.doctor.restarts + 1);
    const framesAtRestart = { patient: await framesDecoded(patient.page), doctor: await framesDecoded(doctor.page) };
    // The same connection carries on: its frame counts keep growing from where they were, its tracks stay.
    await expect.poll(() => framesDecoded(doctor.page), { timeout: 10_000 }).toBeGreaterThan(framesAtRestart.doctor + 30);
    await expect.poll(() => framesDecoded(patient.page), { timeout: 10_000 }).toBeGreaterThan(framesAtRestart.patient + 30);
    for (const page of [patient.page, doctor.page]) await expectAudioFlowing(page);
    expect({ patient: await remoteTrack(patient.page), doctor: await remoteTrack(doctor.page) }).toEqual(tracks);
    expect({ patient: await counts(patient.page), doctor: await counts(doctor.page) }).toEqual({
      patient: before.patient,
      doctor: { restarts: before.doctor.restarts + 1, connections: before.doctor.connections },
    });
    expect(await doctor.page.locator(".call-state").getAttribute("data-state")).toBe("connected");

    // The doctor's own network changes too: the same again, from the doctor's side.
    await doctor.page.evaluate(() => window.dispatchEvent(new Event("online")));
    await expect.poll(async () => (await counts(doctor.page)).restarts, { timeout: 5000 }).toBe(before.doctor.restarts + 2);
    const frames = await framesDecoded(patient.page);
    await expect.poll(() => framesDecoded(patient.page), { timeout: 10_000 }).toBeGreaterThan(frames + 30);
    // Past the time a restart is given (8 s): still the one connection, still connected.
    await doctor.page.waitForTimeout(9000);
    expect({ patient: await counts(patient.page), doctor: await counts(doctor.page) }).toEqual({
      patient: before.patient,
      doctor: { restarts: before.doctor.restarts + 2, connections: before.doctor.connections },
    });
    for (const page of [patient.page, doctor.page]) expect(await page.locator(".call-state").getAttribute("data-state")).toBe("connected");
    await expectVideoFlowing(doctor.page);

    for (const side of [patient, doctor]) {
      expect(side.errors).toEqual([]);
      await side.context.close();
    }
  });
});
