import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../helpers/browser";
import { addExtraHours, bookFirstSlot, makeTestDoctor } from "../helpers/consult-e2e";
import { client } from "../helpers/http";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const FIVE_MINUTES = 5 * 60_000;

describe("waitlist", () => {
  it("a patient joins a doctor's waitlist on the profile; another patient's cancellation offers them the time on My appointments, and Take this time books it", async () => {
    // A doctor of the test's own with half an hour of five-minute slots three hours from now, all booked but one.
    const doctor = await makeTestDoctor(baseURL);
    const start = new Date(Math.ceil((Date.now() + 3 * 60 * 60_000) / FIVE_MINUTES) * FIVE_MINUTES);
    await addExtraHours(doctor.client, start, 30);
    const holder = client(baseURL);
    await holder.register(`holder-${crypto.randomUUID().slice(0, 8)}@test.example`);
    const held = await bookFirstSlot(baseURL, holder, doctor.id, () => true);

    const waiting = client(baseURL);
    await waiting.register(`waiting-${crypto.randomUUID().slice(0, 8)}@test.example`);
    const { page, errors } = await openPage(browser, { session: { cookie: waiting.cookie, baseURL } });
    await page.goto(`${baseURL}/doctors/${doctor.id}`);
    const form = page.getByRole("region", { name: "Tell me about earlier times" });
    await form.getByLabel("Reason for visit").fill("Cough and fever for three days");
    await form.getByRole("button", { name: "Tell me about earlier times" }).click();
    await expect.poll(() => page.getByText("Done. We will tell you when a time between these dates becomes free.").count()).toBe(1);
    await expect.poll(() => form.getByRole("button", { name: "Change dates" }).count()).toBe(1);

    // Nothing is offered until a time is freed.
    await page.goto(`${baseURL}/appointments`);
    expect(await page.getByRole("button", { name: "Take this time" }).count()).toBe(0);

    const cancelled = await holder.post(`/appointments/${held.appointmentId}`, { reason: "Feeling better" });
    expect(cancelled.status).toBe(302);

    await page.reload();
    const offer = page.getByRole("region", { name: "An earlier time is free for you" });
    expect(await offer.getByText(/Held for you until/).count()).toBe(1);
    await offer.getByRole("button", { name: "Take this time" }).click();
    await page.waitForURL(/\/appointments\/[0-9a-f-]{36}\?booked=1$/);
    const bookedId = /appointments\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    expect(bookedId).not.toBe(held.appointmentId);

    // The time is the one freed, and it is the patient's now: gone from the profile's free times.
    const profile = await (await waiting.get(`/doctors/${doctor.id}`)).text();
    expect(profile).not.toContain(held.startsAt);
    await page.goto(`${baseURL}/appointments`);
    expect(await page.getByRole("button", { name: "Take this time" }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
