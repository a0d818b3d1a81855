import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { openConsultation } from "../helpers/consult-e2e";
import { audioReceived, expectAudioFlowing, expectVideoFlowing, framesDecoded } from "../helpers/page-probes";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

/** Keeps the page's peer connections where the test can reach them (to narrow the line it sends on). */
async function keepConnections(context: BrowserContext) {
  await context.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    const kept: RTCPeerConnection[] = [];
    (window as unknown as { __connections: RTCPeerConnection[] }).__connections = kept;
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        kept.push(this);
      }
    };
  });
}

/**
 * The patient's uplink narrowed to `bitsPerSecond` for video (null: as wide as it is): the sender's
 * encoder may not send more, as on a phone whose line carries 20 kbit/s of video. Sound is not touched.
 */
const narrowVideo = (page: Page, bitsPerSecond: number | null) =>
  page.evaluate(async (bitsPerSecond) => {
    for (const connection of (window as unknown as { __connections: RTCPeerConnection[] }).__connections) {
      if (connection.connectionState === "closed") continue;
      for (const transceiver of connection.getTransceivers()) {
        if (transceiver.receiver.track.kind !== "video" || transceiver.direction === "recvonly") continue;
        const parameters = transceiver.sender.getParameters();
        for (const encoding of parameters.encodings) {
          if (bitsPerSecond === null) delete encoding.maxBitrate;
          else encoding.maxBitrate = bitsPerSecond;
        }
        await transceiver.sender.setParameters(parameters);
      }
    }
  }, bitsPerSecond);

const mediaNotice = (page: Page) =>
  page
    .locator(".call-notice--media")
    .getAttribute("data-media", { timeout: 500 })
    .catch(() => "");

/** Sound keeps arriving: the count of received audio grows between two readings a second apart. */
async function soundArrives(page: Page) {
  const before = await audioReceived(page);
  await page.waitForTimeout(1000);
  return (await audioReceived(page)) > before;
}

describe("a call on a weak line (issue 14 item 3)", () => {
  it("steps down to audio only within 10 s when the patient's line cannot carry video, says so on both pages, steps back up when it can, and the sound flows throughout", async () => {
    const room = await openConsultation(baseURL, { fullName: "Weak Line Patient" });
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL } });
    await keepConnections(patient.context);
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 800 } });
    await patient.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();
    await expectVideoFlowing(doctor.page);
    await expectAudioFlowing(doctor.page);
    // A line in good shape says so, with its figures.
    await expect.poll(() => doctor.page.locator(".call-quality").getAttribute("data-level", { timeout: 500 }).catch(() => null), { timeout: 10_000 }).toBe("good");

    // The line narrows: within 10 s the patient's video pauses, both pages say why, the sound goes on.
    const narrowedAt = Date.now();
    await narrowVideo(patient.page, 20_000);
    await expect.poll(() => mediaNotice(doctor.page), { timeout: 10_000, interval: 250 }).toContain("other-weak");
    expect(Date.now() - narrowedAt).toBeLessThan(10_000);
    expect(await doctor.page.getByText("The patient's connection is weak: their video is paused, the sound goes on.").count()).toBe(1);
    expect(await mediaNotice(patient.page)).toContain("self-weak");
    // The line's indicator follows at its next measure (every 2 s).
    await expect.poll(() => doctor.page.locator(".call-quality").getAttribute("data-level", { timeout: 500 }).catch(() => null), { timeout: 5000 }).toBe("poor");
    const framesWhilePaused = await framesDecoded(doctor.page);
    expect(await soundArrives(doctor.page)).toBe(true);
    expect(await soundArrives(patient.page)).toBe(true);

    // The line widens again: the next try holds, the notice goes, the picture moves again.
    await narrowVideo(patient.page, null);
    await expect.poll(() => mediaNotice(doctor.page), { timeout: 30_000, interval: 500 }).toBe("");
    await expect.poll(() => framesDecoded(doctor.page), { timeout: 10_000 }).toBeGreaterThan(framesWhilePaused + 20);
    expect(await soundArrives(doctor.page)).toBe(true);
    expect(await mediaNotice(patient.page)).toBe("");

    // "Audio only" by choice: video off both ways, said on both pages, and back on the second press.
    await doctor.page.getByRole("button", { name: "Audio only" }).click();
    await expect.poll(() => mediaNotice(patient.page), { timeout: 5000 }).toContain("audio-only");
    expect(await mediaNotice(doctor.page)).toContain("audio-only");
    expect(await soundArrives(patient.page)).toBe(true);
    await patient.page.getByRole("button", { name: "Audio only" }).click();
    await expect.poll(() => mediaNotice(doctor.page), { timeout: 5000 }).toBe("");
    await expectVideoFlowing(doctor.page);
    await expectVideoFlowing(patient.page);

    expect(patient.errors).toEqual([]);
    expect(doctor.errors).toEqual([]);
    await patient.context.close();
    await doctor.context.close();
  });
});
