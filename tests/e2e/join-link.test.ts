import type { Browser } from "playwright-core";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { addExtraHours, bookFirstSlot, openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";
import { expectVideoFlowing } from "../helpers/page-probes";
import { SESSION_COOKIE } from "../helpers/server";

const baseURL = inject("baseURL");
const APPOINTMENT_DATA = `_data=${encodeURIComponent("routes/appointments.$appointmentId._index")}`;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

type Patient = Awaited<ReturnType<typeof openConsultation>>["patient"];

/** The patient makes a join link for one of their appointments, as the appointment page's button does. */
async function makeLink(patient: Patient, appointmentId: string): Promise<string> {
  const response = await patient.post(`/appointments/${appointmentId}?intent=joinLink&${APPOINTMENT_DATA}`, {});
  expect(response.status).toBe(200);
  return ((await response.json()) as { joinLink: string }).joinLink;
}

/** The room socket's answer to the upgrade: 101 when it opened, else the refusal's status. */
function socketStatus(appointmentId: string, cookie: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${baseURL.replace("http", "ws")}/ws/signal?appointment=${appointmentId}`, { headers: { Cookie: cookie, Origin: baseURL } });
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => resolve(0));
  });
}

/** Opens a link as a device with no cookies would: its answer, and the session cookie it set, if any. */
async function openLink(link: string) {
  const response = await fetch(link, { redirect: "manual" });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(";")[0] ?? null;
  return { status: response.status, location: response.headers.get("location"), cookie, text: await response.text() };
}

describe("a personal join link", () => {
  it("opens the room on a phone that never signed in: check in, the doctor admits, the call connects; it opens nothing else", async () => {
    const room = await openConsultation(baseURL);
    // The patient makes the link on the appointment page, and sees it once.
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL } });
    await patient.page.goto(`${baseURL}/appointments/${room.appointmentId}`);
    await patient.page.getByRole("button", { name: "Create a join link" }).click();
    const link = await patient.page.getByLabel(/Your join link/).inputValue();
    expect(link).toMatch(new RegExp(`^${baseURL}/join/[A-Za-z0-9_-]{43}$`));
    await patient.context.close();

    const phone = await openPage(browser);
    await phone.page.goto(link);
    await phone.page.waitForURL(`${baseURL}/consult/${room.appointmentId}`);
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 900 } });
    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await phone.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();
    await expectVideoFlowing(phone.page);
    await expectVideoFlowing(doctor.page);
    // The header offers nothing of the patient's account, and every other page sees nobody signed in.
    expect(await phone.page.getByRole("link", { name: "My appointments" }).count()).toBe(0);
    const other = await bookFirstSlot(baseURL, room.patient, room.doctorId, (start) => start.getTime() > new Date(room.startsAt).getTime());
    const cookies = (await phone.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const asPhone = client(baseURL, "en", cookies);
    expect((await asPhone.get("/appointments")).headers.get("location")).toMatch(/^\/login/);
    expect((await asPhone.get(`/appointments/${room.appointmentId}`)).headers.get("location")).toMatch(/^\/login/);
    expect((await asPhone.get("/account/password")).headers.get("location")).toMatch(/^\/login/);
    // Another appointment of the same patient, its room open too: there, this session is nobody.
    expect((await asPhone.get(`/consult/${other.appointmentId}`)).headers.get("location")).toMatch(/^\/login/);
    expect((await asPhone.post(`/consult/${other.appointmentId}/token`, {})).status).toBeGreaterThanOrEqual(400);
    expect((await asPhone.get(`/consult/${room.appointmentId}`)).status).toBe(200);
    // The call's socket: its own room only.
    expect(await socketStatus(other.appointmentId, cookies)).toBe(403);
    expect(await socketStatus(room.appointmentId, cookies)).toBe(101);

    expect(phone.errors).toEqual([]);
    expect(doctor.errors).toEqual([]);
    await phone.context.close();
    await doctor.context.close();
  });

  it("is refused after a cancellation, which also ends the session it opened", async () => {
    const room = await openConsultation(baseURL);
    const link = await makeLink(room.patient, room.appointmentId);
    const opened = await openLink(link);
    expect([opened.status, opened.location]).toEqual([302, `/consult/${room.appointmentId}`]);
    const phone = client(baseURL, "en", opened.cookie!);
    expect((await phone.get(`/consult/${room.appointmentId}`)).status).toBe(200);

    expect((await room.patient.post(`/appointments/${room.appointmentId}`, { reason: "Feeling better" })).status).toBe(302);
    const after = await openLink(link);
    expect([after.status, after.cookie]).toEqual([404, null]);
    expect(after.text).toContain("This link does not open a consultation");
    expect((await phone.get(`/consult/${room.appointmentId}`)).headers.get("location")).toMatch(/^\/login/);
  });

  it("is refused outside its window, saying when the room opens, and a made-up token is refused the same way as a revoked one", async () => {
    const room = await openConsultation(baseURL);
    // Tomorrow, on the hour (a block that never crosses midnight).
    const tomorrow = new Date(Math.floor((Date.now() + 24 * 3_600_000) / 3_600_000) * 3_600_000);
    await addExtraHours(room.doctor, tomorrow, 30);
    const later = await bookFirstSlot(baseURL, room.patient, room.doctorId, (start) => start.getTime() >= tomorrow.getTime());
    const early = await openLink(await makeLink(room.patient, later.appointmentId));
    expect([early.status, early.cookie]).toEqual([403, null]);
    expect(early.text).toContain("This consultation opens at");

    const madeUp = await openLink(`${baseURL}/join/${"A".repeat(43)}`);
    const malformed = await openLink(`${baseURL}/join/short`);
    expect([madeUp.status, malformed.status]).toEqual([404, 404]);
    // Someone else's appointment: no link for it.
    const stranger = client(baseURL);
    await stranger.register(`stranger-${Date.now()}@test.example`);
    expect((await stranger.post(`/appointments/${later.appointmentId}?intent=joinLink&${APPOINTMENT_DATA}`, {})).status).toBe(404);
  });
});
