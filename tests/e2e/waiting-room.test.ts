import { readdirSync, readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { bookFirstSlot, openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

/** Counts, in the page, the tones it plays (oscillators started) and the vibrations it asks for. */
function recordAlerts() {
  const probe = window as unknown as { tones: number; vibrations: unknown[] };
  probe.tones = 0;
  probe.vibrations = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: Parameters<typeof start>) {
    probe.tones++;
    return start.apply(this, args);
  };
  Object.defineProperty(navigator, "vibrate", {
    value: (pattern: unknown) => {
      probe.vibrations.push(pattern);
      return true;
    },
  });
}

describe("waiting well", () => {
  it("a patient tests their devices, checks in, sees an estimated wait that follows the queue, and is called back to the tab when admitted", async () => {
    // The doctor of a room open now (five-minute appointments) is in a call with its first patient.
    const room = await openConsultation(baseURL);
    expect((await room.patient.post(`/consult/${room.appointmentId}`, { intent: "checkIn" })).status).toBe(302);
    expect((await room.doctor.post(`/consult/${room.appointmentId}`, { intent: "admit", confirmAway: "1" })).status).toBe(302);
    // A second patient of the same doctor, whose appointment is open too.
    const second = client(baseURL);
    await second.register(`second-${crypto.randomUUID().slice(0, 8)}@test.example`);
    const { appointmentId } = await bookFirstSlot(baseURL, second, room.doctorId, (start) => start.getTime() <= Date.now() + 14 * 60_000);

    const { context, page, errors } = await openPage(browser, { session: { cookie: second.cookie, baseURL } });
    await context.addInitScript(recordAlerts);

    // The device test, before checking in.
    await page.goto(`${baseURL}/appointments/${appointmentId}`);
    await page.getByRole("button", { name: "Test camera and microphone" }).click();
    const step = (name: string) => page.locator(`[data-step="${name}"] [data-status]`);
    await expect.poll(() => step("camera").getAttribute("data-status"), { timeout: 10_000 }).toBe("pass");
    await expect.poll(() => step("microphone").getAttribute("data-status"), { timeout: 10_000 }).toBe("pass");
    expect(await step("speaker").getAttribute("data-status")).toBe("untested");
    await page.getByRole("button", { name: "Play a test sound" }).click();
    await page.getByRole("button", { name: "I heard it" }).click();
    expect(await step("speaker").getAttribute("data-status")).toBe("pass");
    await expect.poll(() => page.getByText("Everything works. You are ready for the consultation.").count()).toBe(1);
    await page.getByRole("button", { name: "Close the test" }).click();
    expect(await page.locator("[data-step]").count()).toBe(0);

    // Waiting: one patient is in the call, none ahead; the doctor has seen nobody today, so an
    // appointment's length (five minutes) stands for what is left of that call.
    await page.getByRole("link", { name: "Join consultation" }).click();
    await page.waitForURL(`${baseURL}/consult/${appointmentId}`);
    await page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => page.getByText("You are number 1 in the queue.").count()).toBe(1);
    await expect.poll(() => page.getByText(/^Estimated wait: about [45] minutes$/).count()).toBe(1);
    expect(await page.getByText("An estimate from the length of an appointment").count()).toBe(1);
    const ready = "Yunzhen · Online clinic";
    expect(await page.title()).toBe(ready);

    // The first call ends: the doctor is free, and the estimate follows without a reload.
    expect((await room.doctor.post(`/consult/${room.appointmentId}`, { intent: "end" })).status).toBe(302);
    await expect.poll(() => page.getByText("Estimated wait: a few minutes").count(), { timeout: 5000 }).toBe(1);

    // Admitted: a chime, a vibration and the tab's title, until the patient comes back to the page.
    const tonesBefore = await page.evaluate(() => (window as unknown as { tones: number }).tones);
    expect((await room.doctor.post(`/consult/${appointmentId}`, { intent: "admit" })).status).toBe(302);
    await expect.poll(() => page.title(), { timeout: 5000 }).toBe("▶ The doctor is ready · Yunzhen");
    expect(await page.locator("main").getAttribute("data-admitted-alert")).toBe("showing");
    await expect.poll(() => page.evaluate(() => (window as unknown as { tones: number }).tones)).toBeGreaterThan(tonesBefore);
    expect(await page.evaluate(() => (window as unknown as { vibrations: unknown[] }).vibrations)).toHaveLength(1);
    // The patient touches the screen (on a phone, the call fills it).
    await page.locator(".call-stage").click();
    expect(await page.title()).toBe(ready);
    expect(await page.locator("main").getAttribute("data-admitted-alert")).toBe("seen");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("loads the device test's code only when the test is opened", () => {
    const shared = readdirSync("public/build/_shared");
    const panel = shared.find((f) => f.startsWith("device-test-panel-"))!;
    expect(panel).toBeTruthy();
    const built = readdirSync("public/build", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
    for (const f of built) {
      const code = readFileSync(`public/build/${f}`, "utf8");
      // Whoever names the panel's chunk imports it lazily, never at load.
      expect(code.split(panel).length, f).toBe(code.split(`import("/build/_shared/${panel}")`).length);
    }
  });
});
