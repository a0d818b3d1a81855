import fc from "fast-check";
import WebSocket from "ws";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_DOCTORS } from "~db/demo-hospital";
import { openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";

/**
 * Arbitrary input to every form action and every socket message: the answer is a 4xx (or the ordinary
 * redirect of a form that happened to be valid), never a 500, and the server stays up.
 */
const baseURL = inject("baseURL");
let room: Awaited<ReturnType<typeof openConsultation>>;

beforeAll(async () => {
  room = await openConsultation(baseURL, DEMO_DOCTORS[11]!.email);
});

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.constantFrom("", " ", "<script>alert(1)</script>", "'; drop table users; --", "\u0000", "9".repeat(5000), "2031-02-30T25:61:00Z", "-1", "NaN"),
);
const fields = (names: string[]) => fc.record(Object.fromEntries(names.map((n) => [n, text])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] });

describe("arbitrary input", () => {
  it("to every form action is answered without a server error", async () => {
    const targets: { path: () => string; names: string[]; as: () => ReturnType<typeof client> }[] = [
      { path: () => "/login", names: ["email", "password", "redirectTo"], as: () => client(baseURL) },
      { path: () => "/register", names: ["email", "password", "fullName", "timeZone"], as: () => client(baseURL) },
      { path: () => "/locale", names: ["locale", "redirectTo"], as: () => client(baseURL) },
      { path: () => `/appointments/${room.appointmentId}`, names: ["reason"], as: () => client(baseURL) },
      { path: () => `/appointments/${room.appointmentId}/reschedule`, names: ["start"], as: () => room.patient },
      { path: () => `/consult/${room.appointmentId}`, names: ["intent"], as: () => room.patient },
      { path: () => `/consult/${room.appointmentId}/note`, names: ["intent", "baseVersion", "subjective", "body"], as: () => room.doctor },
      { path: () => "/doctor/availability", names: ["intent", "weekday", "start", "end", "slotMinutes", "effectiveFrom", "startDate", "id"], as: () => room.doctor },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets.keys()), fields(["email", "password", "fullName", "reason", "start", "intent", "baseVersion", "weekday", "slotMinutes", "id", "locale"]), async (index, input) => {
        const target = targets[index]!;
        const picked = Object.fromEntries(Object.entries(input).filter(([k]) => target.names.includes(k)));
        // The fuzzer must never cancel or sign the real appointment: keep only malformed intents there.
        if (picked.intent && ["checkIn", "admit", "end", "noShow", "save", "sign", "addendum", "addRule", "addTimeOff", "addExtra", "removeRule", "removeException"].includes(picked.intent)) return;
        if (target.path().startsWith("/appointments/") && !target.path().endsWith("reschedule") && picked.reason?.trim()) return;
        const status = (await target.as().post(target.path(), picked as Record<string, string>)).status;
        expect(status, `${target.path()} ${JSON.stringify(picked)}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    expect((await fetch(`${baseURL}/healthz`)).status).toBe(200);
  });

  it("to the signalling socket is dropped or refused, and the socket stays usable", async () => {
    const ws = new WebSocket(`${baseURL.replace("http", "ws")}/ws/signal?appointment=${room.appointmentId}`, { headers: { Cookie: room.patient.cookie } });
    const replies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on("open", () => resolve());
      ws.on("error", reject);
    });
    ws.on("message", (data) => replies.push(String(data)));
    const message = fc.oneof(
      fc.json(),
      fc.string({ maxLength: 200 }),
      fc.record({ type: fc.constantFrom("signal", "chat", "join", "nope"), data: fc.anything(), body: fc.anything(), ticket: fc.anything() }).map((m) => JSON.stringify(m)),
    );
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        ws.send(m);
      }),
      { numRuns: 150 },
    );
    // Let the flood allowance refill: the fuzz itself may have used it up.
    await new Promise((r) => setTimeout(r, 1500));
    ws.send(JSON.stringify({ type: "chat", body: "still here after the fuzz" }));
    await expect.poll(() => replies.some((r) => r.includes("still here after the fuzz")), { timeout: 5000 }).toBe(true);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
