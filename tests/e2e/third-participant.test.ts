import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { makeTestDoctor, openConsultation } from "../helpers/consult-e2e";
import { expectVideoPlaying } from "../helpers/page-probes";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

/** How far each video of the other people has played (frames presented, current time), in page order. */
const remoteProgress = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLVideoElement>('[data-testid="remote-video"]')].map((video) => ({
      peer: video.dataset.peer ?? null,
      frames: video.getVideoPlaybackQuality().totalVideoFrames,
      time: video.currentTime,
      paused: video.paused,
    })),
  );

/** `count` videos of other people on the page, each of them playing: frames and time moving on. */
async function expectRemoteVideosPlaying(page: Page, count: number) {
  await expect
    .poll(async () => (await remoteProgress(page)).filter((v) => v.peer && v.frames > 0).length, { timeout: 30_000 })
    .toBe(count);
  const before = await remoteProgress(page);
  await page.waitForTimeout(1500);
  const after = await remoteProgress(page);
  expect(after.map((v, i) => ({ peer: v.peer, playing: !v.paused && v.frames > before[i]!.frames && v.time > before[i]!.time }))).toEqual(
    before.map((v) => ({ peer: v.peer, playing: true })),
  );
}

/** Every camera and microphone track this page was given, and whether each is still live. */
const capturedTracks = (page: Page) =>
  page.evaluate(() => (window as unknown as { __capturedTracks?: MediaStreamTrack[] }).__capturedTracks?.map((t) => t.readyState) ?? []);

describe("a third participant (issue 14 item 2)", () => {
  it("doctor, patient and an invited colleague see each other; a companion's link works once and waits to be let in; a removed colleague's page says so and their media stops", async () => {
    const room = await openConsultation(baseURL, { fullName: "Wang Fang" });
    const colleague = await makeTestDoctor(baseURL);
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL }, viewport: { width: 1280, height: 900 } });
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 900 } });
    const other = await openPage(browser, { session: { cookie: colleague.client.cookie, baseURL }, viewport: { width: 1280, height: 900 } });
    // Every track getUserMedia hands the colleague's page, to see them end when they are removed.
    await other.context.addInitScript(() => {
      const captured: MediaStreamTrack[] = [];
      (window as unknown as { __capturedTracks: MediaStreamTrack[] }).__capturedTracks = captured;
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await original(constraints);
        captured.push(...stream.getTracks());
        return stream;
      };
    });

    await patient.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();
    await expectRemoteVideosPlaying(doctor.page, 1);

    // The doctor invites the colleague, picked by department and name; the colleague finds it on Today.
    await doctor.page.getByLabel(/Invite a colleague/).selectOption(colleague.id);
    await doctor.page.getByRole("button", { name: "Invite a colleague" }).click();
    await expect.poll(() => doctor.page.locator('[data-participant="colleague"]').textContent(), { timeout: 5000 }).toContain("In the consultation");
    await other.page.goto(`${baseURL}/doctor/today`);
    await other.page.getByRole("region", { name: "Consultations you were invited to" }).getByRole("link", { name: "Join" }).click();
    await other.page.waitForURL(`**/consult/${room.appointmentId}`);

    // Three people, each page playing the two others' videos and its own.
    for (const page of [doctor.page, patient.page, other.page]) await expectRemoteVideosPlaying(page, 2);
    for (const page of [doctor.page, patient.page, other.page]) await expectVideoPlaying(page, "local-video");
    // Each video is named by whom it shows.
    await expect.poll(() => patient.page.locator(".call-tile__name").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("Test doctor")]));
    expect(await doctor.page.locator(".call-tile__name").allTextContents()).toContain("Wang Fang");

    // The patient invites a companion: a link shown once, which opens once and asks only for a name.
    await patient.page.getByRole("button", { name: "Invite a companion" }).click();
    const link = await patient.page.getByLabel(/Your companion's link/).inputValue();
    expect(link).toMatch(new RegExp(`^${baseURL}/guest/[A-Za-z0-9_-]{43}$`));
    const companion = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await companion.page.goto(link);
    await companion.page.getByLabel("Your name").fill("Wang Lei (son)");
    await companion.page.getByRole("button", { name: "Go to the waiting room" }).click();
    await companion.page.waitForURL(`**/consult/${room.appointmentId}`);
    await expect.poll(() => companion.page.getByRole("heading", { name: /Waiting for .* to let you in/ }).count(), { timeout: 5000 }).toBe(1);
    // The doctor sees them waiting, by the name they gave, without a reload.
    const waitingRow = doctor.page.locator('[data-participant="companion"]');
    await expect.poll(() => waitingRow.textContent(), { timeout: 5000 }).toContain("Wang Lei (son)");
    expect(await waitingRow.textContent()).toContain("Waiting to be let in");
    expect(await waitingRow.getByRole("button", { name: "Let in" }).count()).toBe(1);

    // The same link a second time, from another browser: refused, and it says so.
    const second = await openPage(browser);
    const again = await second.page.goto(link);
    expect(again!.status()).toBe(410);
    expect(await second.page.getByRole("alert").textContent()).toContain("This link was used already");
    await second.context.close();

    // The doctor removes the colleague: their page says so, their camera and microphone stop, and the
    // others' calls go on with one video fewer.
    expect((await capturedTracks(other.page)).filter((s) => s === "live").length).toBeGreaterThan(0);
    await doctor.page.locator('[data-participant="colleague"]').getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => other.page.getByRole("alert").filter({ hasText: "The doctor removed you from this consultation" }).count(), { timeout: 5000 }).toBe(1);
    await expect.poll(async () => (await capturedTracks(other.page)).every((s) => s === "ended"), { timeout: 5000 }).toBe(true);
    expect(await other.page.locator("video").count()).toBe(0);
    for (const page of [doctor.page, patient.page]) await expectRemoteVideosPlaying(page, 1);
    expect({ patient: patient.errors, doctor: doctor.errors, colleague: other.errors, companion: companion.errors }).toEqual({ patient: [], doctor: [], colleague: [], companion: [] });
    // And the room is closed to them: a reload finds nothing.
    const reloaded = await other.page.reload();
    expect(reloaded!.status()).toBe(404);
    await Promise.all([patient, doctor, other, companion].map((side) => side.context.close()));
  }, 180_000);
});
