import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { openConsultation } from "../helpers/consult-e2e";
import { expectVideoFlowing, expectVideoPlaying, sendChat } from "../helpers/page-probes";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  // Three fake cameras; the page sees two of them (see asPhoneWithTwoCameras).
  browser = await launchBrowser([...CALL_ARGS.filter((arg) => arg !== "--use-fake-device-for-media-stream"), "--use-fake-device-for-media-stream=device-count=3"]);
});
afterAll(async () => {
  await browser?.close();
});

/**
 * A phone's front and back cameras: Chromium's first and third fake devices. Its second one delivers a
 * depth camera's format (Y16), which shows on the page but which WebRTC cannot encode, so a call switched
 * to it sends no picture; no phone offers a depth sensor as a camera to a web page, so this page is not
 * shown it.
 */
async function asPhoneWithTwoCameras(context: BrowserContext) {
  await context.addInitScript(() => {
    const media = navigator.mediaDevices;
    const enumerate = media.enumerateDevices.bind(media);
    media.enumerateDevices = async () => (await enumerate()).filter((device) => device.label !== "fake_device_1");
  });
}

/** The camera the page's own video shows (its track's device). */
const selfViewCamera = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="local-video"]');
    const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
    return track?.getSettings().deviceId ?? null;
  });

/** What a person's thumb finds at the centre of an element: the element itself, or something over it. */
const reachable = (page: Page, selector: string) =>
  page.evaluate((selector) => {
    const element = document.querySelector(selector);
    if (!element) return false;
    const box = element.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return top !== null && element.contains(top);
  }, selector);

describe("the patient's call on a phone (issue 14 item 5)", () => {
  it("fills the screen with large Mute, Camera, Flip and Leave buttons, counts chat that arrives unread and shows it over the call, and flips to the other camera", async () => {
    const room = await openConsultation(baseURL, { fullName: "Phone Patient" });
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL }, viewport: { width: 390, height: 844 } });
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 800 } });
    await asPhoneWithTwoCameras(patient.context);
    await patient.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();
    await expectVideoFlowing(patient.page);
    await expectVideoFlowing(doctor.page);

    // Full screen: the call covers the page, its header and "Sign out" included.
    await expect.poll(() => patient.page.locator(".call-panel--phone").count(), { timeout: 5000 }).toBe(1);
    const panel = await patient.page.locator(".call-panel--phone").boundingBox();
    expect(panel).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect(await reachable(patient.page, ".site-header button, .site-header a")).toBe(false);
    for (const name of ["Mute", "Turn camera off", "Flip camera", "Leave", "Chat"]) {
      const button = patient.page.getByRole("button", { name, exact: name !== "Chat" });
      const box = await button.boundingBox();
      expect({ name, large: (box?.height ?? 0) >= 48 && (box?.width ?? 0) >= 48, onScreen: box !== null && box.y + box.height <= 844 }).toEqual({
        name,
        large: true,
        onScreen: true,
      });
    }
    // Both videos play on the phone's screen, the own one over the doctor's.
    await expectVideoPlaying(patient.page, "local-video");
    await expectVideoPlaying(patient.page, "remote-video");

    // Chat arrives while hidden: counted on its button; opened over the call; back to the call.
    await sendChat(doctor.page, "Please hold the phone a little closer.");
    await expect.poll(() => patient.page.getByRole("button", { name: "Chat 1 unread message" }).count(), { timeout: 5000 }).toBe(1);
    expect(await patient.page.getByText("Please hold the phone a little closer.").isVisible()).toBe(false);
    await patient.page.getByRole("button", { name: /^Chat/ }).click();
    expect(await patient.page.getByText("Please hold the phone a little closer.").isVisible()).toBe(true);
    await sendChat(patient.page, "Is this better?");
    await expect.poll(() => doctor.page.getByText("Is this better?").count(), { timeout: 5000 }).toBe(1);
    await patient.page.getByRole("button", { name: "Back to the call" }).click();
    expect(await patient.page.getByText("Please hold the phone a little closer.").isVisible()).toBe(false);
    expect(await patient.page.getByRole("button", { name: "Chat", exact: true }).count()).toBe(1);

    // Flip: the other camera, and the doctor still sees the patient.
    const before = await selfViewCamera(patient.page);
    await patient.page.getByRole("button", { name: "Flip camera" }).click();
    await expect.poll(() => selfViewCamera(patient.page), { timeout: 5000 }).not.toBe(before);
    await expectVideoFlowing(doctor.page);

    // Leave hangs up; the visit stays open, and the phone can call again.
    await patient.page.getByRole("button", { name: "Leave" }).click();
    await expect.poll(() => patient.page.getByRole("button", { name: "Call again" }).count(), { timeout: 5000 }).toBe(1);

    // The doctor's room keeps its layout on a wide screen: no phone call screen there.
    expect(await doctor.page.locator(".call-panel--phone").count()).toBe(0);
    expect(patient.errors).toEqual([]);
    expect(doctor.errors).toEqual([]);
    await patient.context.close();
    await doctor.context.close();
  });
});
