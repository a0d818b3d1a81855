import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../helpers/browser";
import { addExtraHours, bookFirstSlot, makeTestDoctor, openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";

const baseURL = inject("baseURL");
const MINUTE = 60_000;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A new patient's appointment with a new doctor, starting 40–55 minutes from now: its room opens in 25–40. */
async function consultationWithinTheHour() {
  const room = await openConsultation(baseURL); // also lets booking happen without notice
  const doctor = await makeTestDoctor(baseURL);
  const step = 5 * MINUTE;
  await addExtraHours(doctor.client, new Date(Math.ceil((Date.now() + 40 * MINUTE) / step) * step), 30);
  const patient = client(baseURL);
  await patient.register(`soon-${crypto.randomUUID().slice(0, 8)}@test.example`);
  const booked = await bookFirstSlot(baseURL, patient, doctor.id, (start) => start.getTime() >= Date.now() + 40 * MINUTE);
  return { room, patient, ...booked };
}

describe("one tap into the consultation", () => {
  it("puts 'Join consultation' on My appointments and the home page while the room is open", async () => {
    const room = await openConsultation(baseURL);
    for (const path of ["/appointments", "/"]) {
      const html = await (await room.patient.get(path)).text();
      expect(html, path).toMatch(new RegExp(`<a[^>]*href="/consult/${room.appointmentId}"[^>]*>Join consultation</a>`));
    }
  });

  it("counts down within the hour before the room opens, then shows the button by itself", async () => {
    const { patient, appointmentId, startsAt } = await consultationWithinTheHour();
    const html = await (await patient.get("/appointments")).text();
    expect(html).toMatch(/opens at .*, in \d+ minutes/);
    expect(html).not.toContain(`href="/consult/${appointmentId}"`);

    const { page, context, errors } = await openPage(browser, { session: { cookie: patient.cookie, baseURL } });
    await page.clock.install({ time: new Date() });
    await page.goto(`${baseURL}/appointments`);
    const join = page.locator(`a[href="/consult/${appointmentId}"]`);
    await expect.poll(() => join.count()).toBe(0);
    // The room opens 15 minutes before the start: the page's own clock gets there, no reload.
    await page.clock.runFor(new Date(startsAt).getTime() - 15 * MINUTE - Date.now() + 30_000);
    await expect.poll(() => join.textContent(), { timeout: 5000 }).toBe("Join consultation");
    await join.click();
    await page.waitForURL(`${baseURL}/consult/${appointmentId}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("offers nothing for an appointment more than an hour away", async () => {
    const patient = client(baseURL);
    await patient.register(`later-${crypto.randomUUID().slice(0, 8)}@test.example`);
    const doctor = await makeTestDoctor(baseURL);
    const step = 5 * MINUTE;
    await addExtraHours(doctor.client, new Date(Math.ceil((Date.now() + 3 * 60 * MINUTE) / step) * step), 30);
    const booked = await bookFirstSlot(baseURL, patient, doctor.id, () => true);
    const html = await (await patient.get("/appointments")).text();
    expect(html).toContain(`href="/appointments/${booked.appointmentId}"`);
    expect(html).not.toContain("join-prompt");
  });
});
