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
