import type { Page } from "playwright-core";
import { expect } from "vitest";

/** Frames of the other side's video the room's call has decoded so far (0 before a call). */
export const framesDecoded = (page: Page) =>
  page.evaluate(() => (window.__yunzhenFramesDecoded ? window.__yunzhenFramesDecoded() : Promise.resolve(0)));

/** The other side's video is really playing: decoded frames keep rising. */
export async function expectVideoFlowing(page: Page) {
  await expect.poll(() => framesDecoded(page), { timeout: 15_000 }).toBeGreaterThan(0);
  const before = await framesDecoded(page);
  await expect.poll(() => framesDecoded(page), { timeout: 10_000 }).toBeGreaterThan(before);
}

/** The status an appointment's block shows on the clinic schedule (its `s-<status>` class), or null. */
export const blockStatus = (page: Page, appointmentId: string) =>
  page
    .locator(`a.blk[href="/appointments/${appointmentId}"]`)
    .getAttribute("class", { timeout: 1000 })
    .then((c) => /\bs-(\w+)/.exec(c ?? "")?.[1] ?? null)
    .catch(() => null);

/**
 * How far a `<video>` of the room (by its test id) has played: frames it has presented and its current
 * time, with whether it is paused (what a person watching it would notice: a picture that stopped).
 */
export const videoProgress = (page: Page, testId: "local-video" | "remote-video") =>
  page.evaluate((testId) => {
    const video = document.querySelector<HTMLVideoElement>(`[data-testid="${testId}"]`);
    if (!video) return { frames: 0, time: 0, paused: true };
    return { frames: video.getVideoPlaybackQuality().totalVideoFrames, time: video.currentTime, paused: video.paused };
  }, testId);

/** A `<video>` of the room keeps playing: not paused, and frames and time move on across two one-second gaps. */
export async function expectVideoPlaying(page: Page, testId: "local-video" | "remote-video") {
  await expect.poll(() => videoProgress(page, testId).then((p) => p.frames), { timeout: 15_000 }).toBeGreaterThan(0);
  let before = await videoProgress(page, testId);
  for (let i = 0; i < 2; i++) {
    await page.waitForTimeout(1000);
    const after = await videoProgress(page, testId);
    expect({ testId, paused: after.paused, framesMoved: after.frames > before.frames, timeMoved: after.time > before.time }).toEqual({
      testId,
      paused: false,
      framesMoved: true,
      timeMoved: true,
    });
    before = after;
  }
}

/** The doctor's "Finish visit", confirmed (it asks first). */
export async function finishVisit(page: Page) {
  await page.getByRole("button", { name: "Finish visit" }).click();
  await page.getByRole("group", { name: /Finish this visit/ }).getByRole("button", { name: "Finish visit" }).click();
}

/** A count that grows while the other side's sound arrives in the room's call (0 before a call). */
export const audioReceived = (page: Page) =>
  page.evaluate(() => (window.__yunzhenAudioReceived ? window.__yunzhenAudioReceived() : Promise.resolve(0)));

/** The other side's sound is really arriving: the received audio keeps growing. */
export async function expectAudioFlowing(page: Page) {
  await expect.poll(() => audioReceived(page), { timeout: 15_000 }).toBeGreaterThan(0);
  const before = await audioReceived(page);
  await expect.poll(() => audioReceived(page), { timeout: 10_000 }).toBeGreaterThan(before);
}

/** A schedule page's event stream is connected (its "Live" dot): from now on it hears every change. */
export async function expectLive(page: Page) {
  await expect.poll(() => page.locator('.live-dot[data-live="on"]').count(), { timeout: 10_000 }).toBe(1);
}

/** The page has hydrated: its buttons and forms are React's from now on. */
export async function expectHydrated(page: Page) {
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.hydrated ?? null), { timeout: 10_000 }).toBe("1");
}

/** Sends a chat message as the person would: on a phone in a call the chat is behind its button ("Chat"). */
export async function sendChat(page: Page, text: string) {
  const input = page.getByLabel("Message");
  if (!(await input.isVisible())) await page.getByRole("button", { name: /^Chat\b/ }).click();
  await input.fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}
