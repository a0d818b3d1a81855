import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { openConsultation } from "../helpers/consult-e2e";
import { expectVideoFlowing, expectVideoPlaying, finishVisit } from "../helpers/page-probes";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

/** What the call's status line says it is (the `data-state` of the room's call status). */
const callState = (page: Page) =>
  page
    .locator(".call-state")
    .getAttribute("data-state", { timeout: 1000 })
    .catch(() => null);

/** Both sides see and hear each other: remote videos decoding, and every video on the page playing. */
async function expectBothWays(...pages: Page[]) {
  for (const page of pages) await expectVideoFlowing(page);
  for (const page of pages) {
    await expectVideoPlaying(page, "local-video");
    await expectVideoPlaying(page, "remote-video");
  }
}

describe("ending a call and finishing a visit are two different things (issue 15 item 4)", () => {
  it("End call hangs up with the visit still open, Call again reconnects from either side, and Finish visit asks first", async () => {
    const room = await openConsultation(baseURL);
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL } });
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 800 } });
    await patient.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();
    await expectBothWays(patient.page, doctor.page);

    // The doctor hangs up: the patient is told so (not "reconnecting"), and the visit is still open.
    await doctor.page.getByRole("button", { name: "End call" }).click();
    await expect.poll(() => callState(doctor.page), { timeout: 5000 }).toBe("hung-up");
    await expect.poll(() => callState(patient.page), { timeout: 5000 }).toBe("otherHungUp");
    await expect.poll(() => doctor.page.locator('[data-testid="remote-video"]').evaluate((v: HTMLVideoElement) => v.srcObject === null)).toBe(true);
    expect(await doctor.page.getByRole("button", { name: "Finish visit" }).count()).toBe(1);
    // The own camera keeps showing while hung up.
    await expectVideoPlaying(doctor.page, "local-video");

    await doctor.page.getByRole("button", { name: "Call again" }).click();
    await expect.poll(() => callState(doctor.page), { timeout: 15_000 }).toBe("connected");
    await expect.poll(() => callState(patient.page), { timeout: 15_000 }).toBe("connected");
    await expectBothWays(patient.page, doctor.page);

    // The same from the patient's side.
    // On a phone the same button says "Leave" (the call fills the screen there).
    await patient.page.getByRole("button", { name: "Leave" }).click();
    await expect.poll(() => callState(doctor.page), { timeout: 5000 }).toBe("otherHungUp");
    await patient.page.getByRole("button", { name: "Call again" }).click();
    await expect.poll(() => callState(patient.page), { timeout: 15_000 }).toBe("connected");
    await expectVideoFlowing(patient.page);
    await expectVideoFlowing(doctor.page);

    // Finish visit asks first; "Keep the visit open" changes nothing.
    await doctor.page.getByRole("button", { name: "Finish visit" }).click();
    const question = doctor.page.getByText("Finish this visit?");
    await question.waitFor({ timeout: 5000 });
    await doctor.page.getByRole("button", { name: "Keep the visit open" }).click();
    expect(await question.count()).toBe(0);
    expect(await callState(patient.page)).toBe("connected");

    await finishVisit(doctor.page);
    await expect.poll(() => doctor.page.locator(".consult__header").innerText(), { timeout: 10_000 }).toContain("Completed");
    await expect.poll(() => patient.page.locator(".consult__header").innerText(), { timeout: 10_000 }).toContain("Completed");
    expect(await patient.page.locator('[data-testid="remote-video"]').count()).toBe(0);

    expect(patient.errors).toEqual([]);
    expect(doctor.errors).toEqual([]);
    await patient.context.close();
    await doctor.context.close();
  }, 180_000);
});
