import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";
import { startOwnPostgres, type OwnPostgres } from "../helpers/own-postgres";
import { startServer, type RunningServer } from "../helpers/server";

// The database server restarts while people are using the app. The app is not restarted: during the
// outage it answers 503 with the friendly page (and /healthz says the database is down), and afterwards
// it serves again by itself, live updates included.
let pg: OwnPostgres;
let app: RunningServer;

beforeAll(async () => {
  pg = await startOwnPostgres();
  execFileSync(path.resolve("node_modules/.bin/tsx"), ["db/seed.ts"], { stdio: "ignore", env: { ...process.env, DATABASE_URL: pg.url } });
  app = await startServer({ DATABASE_URL: pg.url });
});

afterAll(async () => {
  await app?.stop();
  pg?.destroy();
});

type Answer = { at: number; path: string; status: number | "network error"; body: string };

/** Several people browsing at once, until told to stop; every answer is kept. */
function traffic(baseURL: string, cookie: string, paths: string[]) {
  const answers: Answer[] = [];
  let running = true;
  const loops = paths.map(async (p) => {
    while (running) {
      const at = Date.now();
      try {
        const response = await fetch(`${baseURL}${p}`, { headers: { Cookie: cookie, "Accept-Language": "en" }, redirect: "manual" });
        answers.push({ at, path: p, status: response.status, body: await response.text() });
      } catch (error) {
        answers.push({ at, path: p, status: "network error", body: String(error) });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** An open event stream, collecting what it receives. */
async function openEventStream(url: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Cookie: cookie }, signal: controller.signal });
  expect(response.status).toBe(200);
  let received = "";
  const reader = response.body!.getReader();
  void (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      received += decoder.decode(value, { stream: true });
    }
  })();
  return { received: () => received, close: () => controller.abort() };
}

/** The patient's signalling socket in the room, with a ticket to join the call and every reply kept. */
async function openSignalling(baseURL: string, room: Awaited<ReturnType<typeof openConsultation>>) {
  const token = await room.patient.post(`/consult/${room.appointmentId}/token`, {});
  expect(token.status).toBe(200);
  const { token: ticket } = (await token.json()) as { token: string };
  const ws = new WebSocket(`${baseURL.replace("http", "ws")}/ws/signal?appointment=${room.appointmentId}`, { headers: { Cookie: room.patient.cookie } });
  await new Promise<void>((resolve, reject) => {
    ws.on("open", () => resolve());
    ws.on("error", reject);
  });
  const replies: string[] = [];
  ws.on("message", (data) => replies.push(String(data)));
  return { ws, replies, join: () => ws.send(JSON.stringify({ type: "join", ticket })) };
}

describe("a PostgreSQL restart under traffic", () => {
  it("gets friendly 503 pages while the database is down, and recovers without restarting the app", async () => {
    const room = await openConsultation(app.url);
    const staff = client(app.url);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const stream = await openEventStream(`${app.url}/live/events?since=${encodeURIComponent(new Date().toISOString())}`, staff.cookie);
    const socket = await openSignalling(app.url, room);
    const pid = app.process.pid;

    const load = traffic(app.url, room.patient.cookie, ["/appointments", `/appointments/${room.appointmentId}`, "/doctors", `/consult/${room.appointmentId}`]);
    await new Promise((r) => setTimeout(r, 1500));
    const outageStart = Date.now();
    pg.stop();
    await new Promise((r) => setTimeout(r, 3000));

    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "unavailable", database: "down" });
    // A form sent during the outage is answered 503. Sent from the page (as a data request), the answer
    // is the message the form shows beside what the person typed, which stays on the page.
    const refused = await room.patient.post(`/consult/${room.appointmentId}`, { intent: "checkIn" });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    const fromPage = await room.patient.post(`/consult/${room.appointmentId}?index&_data=${encodeURIComponent("routes/consult.$appointmentId._index")}`, { intent: "checkIn" });
    expect(fromPage.status).toBe(503);
    expect(await fromPage.json()).toMatchObject({ ok: false, formError: "error.serviceUnavailable" });
    // Joining the call publishes the patient's presence, a NOTIFY that fails while the database is away:
    // the socket is told, and the process lives on (an unhandled rejection would end it under Node 20).
    socket.join();
    await expect.poll(() => socket.replies.some((r) => r.includes("server error")), { timeout: 5000 }).toBe(true);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);

    const outageEnd = Date.now();
    pg.start();
    // The app finds the database again by itself.
    await expect.poll(async () => (await fetch(`${app.url}/healthz`)).status, { timeout: 20_000, interval: 250 }).toBe(200);
    const recovered = Date.now();
    await new Promise((r) => setTimeout(r, 2000));
    await load.stop();
    expect(app.process.pid).toBe(pid);
    expect(app.process.exitCode).toBeNull();

    const before = load.answers.filter((a) => a.at < outageStart - 500);
    // Requests sent just before the restart may be answered by the read retry once it is back.
    const during = load.answers.filter((a) => a.at >= outageStart + 300 && a.at < outageEnd - 1000);
    const after = load.answers.filter((a) => a.at > recovered + 500);
    expect(before.length).toBeGreaterThan(8);
    expect(before.filter((a) => a.status !== 200).map((a) => `${a.path} ${a.status}`)).toEqual([]);
    expect(during.length).toBeGreaterThan(8);
    // Never a 500 or a dropped connection: every answer at any time is a page or the 503 page.
    const bad = load.answers.filter((a) => a.status !== 200 && a.status !== 503);
    expect(bad.map((a) => `${a.path} ${a.status} ${a.body.slice(0, 200)}`)).toEqual([]);
    for (const answer of during) {
      expect(answer.status, answer.path).toBe(503);
      expect(answer.body).toContain("Service briefly unavailable");
      expect(answer.body).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
    }
    expect(after.length).toBeGreaterThan(8);
    expect(after.filter((a) => a.status !== 200).map((a) => `${a.path} ${a.status}`)).toEqual([]);

    // Live updates work again on the stream opened before the outage: the check-in refused during the
    // outage now succeeds, and the staff's open board hears of it.
    const checkIn = await room.patient.post(`/consult/${room.appointmentId}`, { intent: "checkIn" });
    expect(checkIn.status).toBeLessThan(400);
    await expect.poll(() => stream.received().includes(room.appointmentId), { timeout: 10_000 }).toBe(true);
    stream.close();
    // The socket that saw the failed publish still carries the room's chat.
    socket.ws.send(JSON.stringify({ type: "chat", body: "after the restart", clientId: crypto.randomUUID() }));
    await expect.poll(() => socket.replies.some((r) => r.includes("after the restart")), { timeout: 5000 }).toBe(true);
    socket.ws.close();
  });
});
