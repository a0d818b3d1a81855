import { readdirSync, readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_DOCTORS, DEMO_PASSWORD } from "~db/demo-hospital";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { addExtraHours, bookFirstSlot, makeTestDoctor, openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";
import { expectVideoFlowing, finishVisit, sendChat } from "../helpers/page-probes";

const baseURL = inject("baseURL");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

describe("the consultation room in Chromium", () => {
  it("patient checks in, doctor admits, both see video, chat both ways, reload restores call and chat, signed note reaches the patient", async () => {
    const room = await openConsultation(baseURL);
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL } });
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL }, viewport: { width: 1280, height: 900 } });
    // The call's code (the phone's budget): a waiting patient's page does not fetch it; Admit brings it.
    const callCode: string[] = [];
    patient.page.on("request", (request) => {
      if (/\/build\/_shared\/live-call-[^/]+\.js$/.test(request.url())) callCode.push(request.url());
    });

    await patient.page.goto(`${baseURL}/appointments/${room.appointmentId}`);
    await patient.page.getByRole("link", { name: "Join consultation" }).click();
    await patient.page.waitForURL(`${baseURL}/consult/${room.appointmentId}`);
    await expect.poll(() => patient.page.getByText("Camera and microphone check").count()).toBe(1);

    await doctor.page.goto(`${baseURL}/consult/${room.appointmentId}`);
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count()).toBe(0);

    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => patient.page.getByText("You are number 1 in the queue.").count()).toBe(1);
    // The doctor's page learns of the check-in by itself: no reload.
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    expect(callCode).toEqual([]);
    await doctor.page.getByRole("button", { name: "Admit" }).click();

    await expectVideoFlowing(patient.page);
    expect(callCode).toHaveLength(1);
    await expectVideoFlowing(doctor.page);

    await sendChat(patient.page, "Hello doctor, <img src=x onerror=alert(1)>");
    await expect.poll(() => doctor.page.getByText("Hello doctor, <img src=x onerror=alert(1)>").count()).toBe(1);
    await sendChat(doctor.page, "Good morning. How long have you had the cough?");
    await expect.poll(() => patient.page.getByText("How long have you had the cough?").count()).toBe(1);

    await patient.page.reload();
    await expectVideoFlowing(patient.page);
    await expectVideoFlowing(doctor.page);
    expect(await patient.page.getByText("Hello doctor, <img src=x onerror=alert(1)>").count()).toBe(1);
    expect(await patient.page.getByText("How long have you had the cough?").count()).toBe(1);

    await doctor.page.getByLabel("Subjective").fill("Dry cough for three days, mild fever.");
    await doctor.page.getByLabel("Diagnosis").fill("Acute bronchitis");
    await doctor.page.getByLabel("Plan", { exact: true }).fill("Rest and fluids; paracetamol if fever above 38.5.");
    await doctor.page.getByLabel("Advice for the patient").fill("Come back if the fever lasts more than three days.");
    // Everything typed is on the server ("Not saved yet" also contains "saved": match the state itself).
    await expect.poll(() => doctor.page.locator('[data-state="saved"]:not([data-version="0"])').count(), { timeout: 5000 }).toBe(1);
    await doctor.page.reload();
    expect(await doctor.page.getByLabel("Diagnosis").inputValue()).toBe("Acute bronchitis");

    // A save of exactly this text landed without this page hearing its answer (as when a reload cuts it
    // off): the page is a version behind with nothing to choose, and signing just goes ahead.
    const shownVersion = Number(await doctor.page.locator("[data-version]").getAttribute("data-version"));
    const sameText = await room.doctor.post(`/consult/${room.appointmentId}/note`, {
      intent: "save",
      baseVersion: String(shownVersion),
      subjective: "Dry cough for three days, mild fever.",
      diagnosis: "Acute bronchitis",
      plan: "Rest and fluids; paracetamol if fever above 38.5.",
      advice: "Come back if the fever lasts more than three days.",
    });
    expect(sameText.status).toBe(200);
    doctor.page.once("dialog", (dialog) => void dialog.accept());
    await doctor.page.getByRole("button", { name: "Sign note" }).click();
    await expect.poll(() => doctor.page.getByText(/^Signed on/).count(), { timeout: 5000 }).toBe(1);
    // An addendum is answered as stored: the note read again shows the same id and time.
    const amended = await room.doctor.post(`/consult/${room.appointmentId}/note`, { intent: "addendum", body: "Phoned the next day: better." });
    expect(amended.status).toBe(200);
    const { addendum } = (await amended.json()) as { addendum: { id: string; createdAt: string } };
    const reread = await room.doctor.get(`/consult/${room.appointmentId}?_data=${encodeURIComponent("routes/consult.$appointmentId._index")}`);
    expect(((await reread.json()) as { note: { addenda: unknown[] } }).note.addenda).toEqual([addendum]);
    await finishVisit(doctor.page);
    await expect.poll(() => doctor.page.getByText("This consultation has ended.").count(), { timeout: 10_000 }).toBe(1);

    // The patient's room leads to the summary, signed before the end.
    await patient.page.getByRole("link", { name: "Read your visit summary" }).click({ timeout: 5000 });
    await patient.page.waitForURL(`**/appointments/${room.appointmentId}#summary`);
    await expect.poll(() => patient.page.getByRole("heading", { name: "Visit summary" }).count()).toBe(1);
    expect(await patient.page.getByRole("button", { name: "Print summary" }).count()).toBe(1);
    expect(await patient.page.getByRole("link", { name: "Book a follow-up" }).getAttribute("href")).toMatch(/^\/doctors\/[0-9a-f-]{36}$/);
    expect(await patient.page.getByText("Acute bronchitis").count()).toBe(1);
    expect(await patient.page.getByText("Come back if the fever lasts more than three days.").count()).toBe(1);
    // The patient never sees the doctor's working notes.
    expect(await patient.page.getByText("Dry cough for three days").count()).toBe(0);
    // My appointments marks it, and leads straight to it.
    await patient.page.goto(`${baseURL}/appointments`);
    expect(await patient.page.getByText("Summary ready").count()).toBe(1);
    expect(await patient.page.getByRole("link", { name: "Read the summary" }).getAttribute("href")).toBe(`/appointments/${room.appointmentId}#summary`);

    expect(patient.errors).toEqual([]);
    expect(doctor.errors).toEqual([]);
    await patient.context.close();
    await doctor.context.close();
  });
});

/** Status of a WebSocket handshake to the room's signalling endpoint. */
function socketStatus(appointmentId: string, cookie: string | null): Promise<number> {
  return new Promise((resolve) => {
    const url = `${baseURL.replace("http", "ws")}/ws/signal?appointment=${appointmentId}`;
    const ws = new WebSocket(url, { headers: cookie ? { Cookie: cookie } : {} });
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => resolve(0));
  });
}

/** What the room's socket says to someone: the refusal's status, or the close code of a socket that opened (0: it stayed open). */
function socketAnswer(appointmentId: string, cookie: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${baseURL.replace("http", "ws")}/ws/signal?appointment=${appointmentId}`, { headers: { Cookie: cookie } });
    const quiet = setTimeout(() => {
      ws.close();
      resolve(0);
    }, 2_000);
    ws.on("close", (code) => {
      clearTimeout(quiet);
      resolve(code);
    });
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(quiet);
      resolve(res.statusCode ?? 0);
    });
    ws.on("error", () => undefined);
  });
}

describe("who may join a call", () => {
  it("gives the token and the socket to the two participants inside the window, and 403 to everyone else", async () => {
    const room = await openConsultation(baseURL);
    const stranger = client(baseURL);
    await stranger.register(`stranger-${crypto.randomUUID().slice(0, 8)}@test.example`);
    const otherDoctor = client(baseURL);
    await otherDoctor.signIn(DEMO_DOCTORS[3]!.email, DEMO_PASSWORD);
    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);

    for (const participant of [room.patient, room.doctor]) {
      const token = await participant.post(`/consult/${room.appointmentId}/token`, {});
      expect(token.status).toBe(200);
      const body = (await token.json()) as { provider: string; token: string; identity: string };
      expect(body.provider).toBe("p2p");
      expect(body.identity).not.toContain("@");
      expect(await socketStatus(room.appointmentId, participant.cookie)).toBe(101);
    }
    for (const outsider of [stranger, otherDoctor, staff]) {
      expect((await outsider.post(`/consult/${room.appointmentId}/token`, {})).status).toBe(403);
      expect(await socketStatus(room.appointmentId, outsider.cookie)).toBe(403);
    }
    const anonymous = client(baseURL);
    expect((await anonymous.post(`/consult/${room.appointmentId}/token`, {})).status).toBe(403);
    expect(await socketStatus(room.appointmentId, null)).toBe(401);
  });

  it("once the visit has ended, the socket opens only to close for good (4410), so a page that reconnects stops instead of being refused again and again", async () => {
    const room = await openConsultation(baseURL);
    expect((await room.patient.post(`/consult/${room.appointmentId}`, { intent: "checkIn" })).status).toBe(302);
    expect((await room.doctor.post(`/consult/${room.appointmentId}`, { intent: "admit", confirmAway: "1" })).status).toBe(302);
    expect(await socketAnswer(room.appointmentId, room.patient.cookie)).toBe(0);
    expect((await room.doctor.post(`/consult/${room.appointmentId}`, { intent: "end" })).status).toBe(302);
    expect(await socketAnswer(room.appointmentId, room.patient.cookie)).toBe(4410);
    expect(await socketAnswer(room.appointmentId, room.doctor.cookie)).toBe(4410);
    // Someone with no part in it is still refused at the door.
    const outsider = client(baseURL);
    await outsider.register(`outsider-${crypto.randomUUID().slice(0, 8)}@test.example`);
    expect(await socketStatus(room.appointmentId, outsider.cookie)).toBe(403);
  });

  it("refuses the token and the socket outside the join window, even to the patient", async () => {
    const patient = client(baseURL);
    await patient.register(`later-${crypto.randomUUID().slice(0, 8)}@test.example`);
    // A session three hours from now: its room opens 15 minutes before each start.
    const doctor = await makeTestDoctor(baseURL);
    await addExtraHours(doctor.client, new Date(Date.now() + 3 * 60 * 60_000), 60);
    const { appointmentId } = await bookFirstSlot(baseURL, patient, doctor.id, () => true, "Follow-up of a cough");
    expect((await patient.post(`/consult/${appointmentId}/token`, {})).status).toBe(403);
    expect(await socketStatus(appointmentId, patient.cookie)).toBe(403);
    const page = await (await patient.get(`/consult/${appointmentId}`)).text();
    expect(page).toContain("The consultation room opens at");
  });
});

describe("what the booking pages download", () => {
  it("contains no twilio-video or video-processors code on the booking pages; the room loads them only when a Twilio call starts or blur is turned on", async () => {
    for (const path of ["/", "/doctors", "/login"]) {
      const html = await (await fetch(`${baseURL}${path}`)).text();
      const scripts = [...html.matchAll(/(?:src|href)="(\/build\/[^"]+\.js)"/g)].map((m) => m[1]!);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        const code = await (await fetch(`${baseURL}${script}`)).text();
        expect(code, script).not.toContain("twilio-video");
        expect(code, script).not.toContain("selfie_segmentation");
      }
    }
    const shared = readdirSync("public/build/_shared");
    const bundle = shared.find((f) => f.startsWith("twilio-video.min-"));
    expect(bundle).toBeTruthy();
    const adapter = shared.find((f) => f.startsWith("twilio-call-"))!;
    expect(readFileSync(`public/build/_shared/${adapter}`, "utf8")).toContain(`import("/build/_shared/${bundle}")`);

    // Background blur's library is a chunk of its own that only the blur's own chunk imports, and only
    // lazily; the room imports that chunk only when blur is turned on.
    const processors = shared.find((f) => f.startsWith("twilio-video-processors.min-"))!;
    expect(readFileSync(`public/build/_shared/${processors}`, "utf8")).toContain("selfie_segmentation");
    const built = readdirSync("public/build", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
    const importers = built.filter((f) => readFileSync(`public/build/${f}`, "utf8").includes(processors));
    expect(importers).toEqual([expect.stringMatching(/^_shared\/background-blur-/)]);
    const blurChunk = readFileSync(`public/build/${importers[0]}`, "utf8");
    expect(blurChunk.split(processors).length - 1).toBe(blurChunk.split(`import("/build/_shared/${processors}")`).length - 1);
    const blurImporters = built.filter((f) => readFileSync(`public/build/${f}`, "utf8").includes(importers[0]!.slice("_shared/".length)));
    expect(blurImporters).toEqual([expect.stringMatching(/^routes\/consult\.\$appointmentId\._index-/)]);
    const room = readFileSync(`public/build/${blurImporters[0]}`, "utf8");
    expect(room).toContain(`import("/build/${importers[0]}")`);
    for (const f of built.filter((f) => f !== `_shared/${processors}`)) {
      expect(readFileSync(`public/build/${f}`, "utf8"), f).not.toContain("selfie_segmentation");
    }
  });
});
