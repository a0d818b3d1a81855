import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { openConsultation } from "../helpers/consult-e2e";
import { expectVideoFlowing, expectVideoPlaying } from "../helpers/page-probes";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

describe("the self-view in the consultation room", () => {
  it("plays before the call and, after Admit, on both sides, alongside the other side's video (issue 15 item 6)", async () => {
    const room = await openConsultation(baseURL);
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL } });
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 900 } });

    await patient.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    // The camera check, before the call: each side's preview plays.
    await expectVideoPlaying(patient.page, "local-video");
    await expectVideoPlaying(doctor.page, "local-video");

    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();
    await expectVideoFlowing(patient.page);
    await expectVideoFlowing(doctor.page);

    // At 1280×900 the doctor's call stage puts the self-view just below the fold, where Chromium paused a
    // muted video the `autoplay` attribute had started: it must play on regardless.
    for (const side of [doctor, patient]) {
      await expectVideoPlaying(side.page, "local-video");
      await expectVideoPlaying(side.page, "remote-video");
    }

    expect(patient.errors).toEqual([]);
    expect(doctor.errors).toEqual([]);
    await patient.context.close();
    await doctor.context.close();
  });
});
