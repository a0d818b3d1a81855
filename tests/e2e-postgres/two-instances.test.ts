import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { boardOf, openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";
import { startServer, type RunningServer } from "../helpers/server";
import { expectHydrated, expectLive, framesDecoded, sendChat } from "../helpers/page-probes";
import { createScratchDatabase } from "../helpers/database";

// Two app instances on one PostgreSQL database: the patient talks to one, the doctor to the other, and
// everything between them (live state, chat, signalling) travels through LISTEN/NOTIFY.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let instances: RunningServer[] = [];
let browser: Browser;

beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL!, "yz_e2e");
  const env = { DATABASE_URL: scratch.url, JOIN_TICKET_SECRET: randomBytes(32).toString("hex") };
  execFileSync(path.resolve("node_modules/.bin/tsx"), ["db/seed.ts"], { stdio: "ignore", env: { ...process.env, ...env } });
  instances = await Promise.all([startServer(env), startServer(env)]);
  browser = await launchBrowser(CALL_ARGS);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(instances.map((i) => i.stop()));
  await scratch?.drop();
});

describe("a call across two app instances", () => {
  it("connects a patient on one instance with a doctor on another: live check-in, video both ways, chat", async () => {
    const [a, b] = instances as [RunningServer, RunningServer];
    const room = await openConsultation(a.url);
    const doctorOnB = client(b.url);
    await doctorOnB.signIn(room.doctorEmail, room.doctorPassword);
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL: a.url } });
    const doctor = await openPage(browser, { session: { cookie: doctorOnB.cookie, baseURL: b.url }, viewport: { width: 1280, height: 900 } });

    await doctor.page.goto(`${b.url}/consult/${room.appointmentId}`);
    await patient.page.goto(`${a.url}/consult/${room.appointmentId}`);
    // Both pages ready, as a person sees them (a check-in tapped while a page hydrates is another story).
    await expectHydrated(doctor.page);
    await expectHydrated(patient.page);
    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();

    for (const side of [patient.page, doctor.page]) {
      await expect.poll(() => framesDecoded(side), { timeout: 15_000 }).toBeGreaterThan(0);
      const before = await framesDecoded(side);
      await expect.poll(() => framesDecoded(side), { timeout: 10_000 }).toBeGreaterThan(before);
    }
    await sendChat(patient.page, "Can you hear me?");
    await expect.poll(() => doctor.page.getByText("Can you hear me?").count()).toBe(1);
    await sendChat(doctor.page, "Yes, clearly.");
    await expect.poll(() => patient.page.getByText("Yes, clearly.").count()).toBe(1);

    expect(patient.errors).toEqual([]);
    expect(doctor.errors).toEqual([]);
    // The call ends here: left running, its video would load the machine through the next test.
    await Promise.all([patient.context.close(), doctor.context.close()]);
  });
});

describe("the clinic schedule across two app instances", () => {
  it("shows a check-in made through one instance on the day view served by the other within 2 seconds", async () => {
    const [a, b] = instances as [RunningServer, RunningServer];
    const room = await openConsultation(a.url);
    const staff = client(b.url);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const { page, context } = await openPage(browser, { session: { cookie: staff.cookie, baseURL: b.url }, viewport: { width: 1600, height: 1000 } });
    await page.goto(`${b.url}${boardOf(room)}`);
    const status = () => page
        .locator(`a.blk[href="/appointments/${room.appointmentId}"]`)
        .getAttribute("class", { timeout: 1000 })
        .then((c) => /\bs-(\w+)/.exec(c ?? "")?.[1] ?? null)
        .catch(() => null);
    expect(await status()).toBe("booked");
    await expectLive(page);
    expect((await room.patient.post(`/consult/${room.appointmentId}`, { intent: "checkIn" })).status).toBe(302);
    await expect.poll(status, { timeout: 2000, interval: 50 }).toBe("checked_in");
    await context.close();
  });
});
