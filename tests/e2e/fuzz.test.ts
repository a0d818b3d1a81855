import fc from "fast-check";
import WebSocket from "ws";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_DOCTORS, DEMO_PASSWORD } from "~db/demo-hospital";
import { openConsultation } from "../helpers/consult-e2e";
import { formTargets, fuzzForms, REAL_INTENTS } from "../helpers/form-fuzz";
import { client } from "../helpers/http";
import { demoAdmin } from "../helpers/second-factor";

/**
 * Arbitrary input to every form action and every socket message: the answer is a 4xx (or the ordinary
 * redirect of a form that happened to be valid), never a 500, and the server stays up.
 *
 * That a refused form also changed nothing is proven in tests/e2e-postgres/refused-forms.test.ts: it
 * needs to read the database between two requests, and this server's embedded database belongs to its
 * process alone (a second PGlite on the same directory would corrupt it). The pages cannot stand in for
 * it: sessions, passwords and the audit trail are shown nowhere, and no test-only route may.
 */
const baseURL = inject("baseURL");
let room: Awaited<ReturnType<typeof openConsultation>>;
const stranger = client(baseURL);
const otherDoctor = client(baseURL);
const staff = client(baseURL);
let admin: ReturnType<typeof client>;

beforeAll(async () => {
  room = await openConsultation(baseURL);
  await stranger.register(`fuzz-${crypto.randomUUID().slice(0, 8)}@test.example`);
  await otherDoctor.signIn(DEMO_DOCTORS[10]!.email, DEMO_PASSWORD);
  await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
  admin = await demoAdmin(baseURL);
});

describe("arbitrary input", () => {
  it("to every form action is answered without a server error", async () => {
    await fuzzForms({
      targets: formTargets(room, { anonymous: () => client(baseURL), stranger, otherDoctor, staff, admin }),
      numRuns: 200,
      // This server is shared with the other end-to-end files: the fuzzer must never cancel, move or sign
      // the real appointment, or change a doctor's hours. Only malformed intents and cancellation reasons.
      keep: (path, form) => !(form.intent && REAL_INTENTS.includes(form.intent)) && !(path.startsWith("/appointments/") && !path.endsWith("reschedule") && form.reason?.trim()),
    });
    expect((await fetch(`${baseURL}/healthz`)).status).toBe(200);
  });

  it("to the signalling socket is answered message by message with an error, and the socket stays open and usable", async () => {
    const ws = new WebSocket(`${baseURL.replace("http", "ws")}/ws/signal?appointment=${room.appointmentId}`, { headers: { Cookie: room.patient.cookie } });
    const replies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on("open", () => resolve());
      ws.on("error", reject);
    });
    ws.on("message", (data) => replies.push(String(data)));
    /** The next error the server sends on this socket (live pushes such as heartbeats pass by). */
    const nextError = () =>
      new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no answer within 2 s")), 2000);
        const listener = (data: WebSocket.RawData) => {
          const reply = JSON.parse(String(data)) as { type: string };
          if (reply.type !== "error") return;
          clearTimeout(timer);
          ws.off("message", listener);
          resolve(reply);
        };
        ws.on("message", listener);
      });
    const message = fc.oneof(
      fc.json(),
      fc.string({ maxLength: 200 }),
      fc.record({ type: fc.constantFrom("signal", "chat", "join", "nope"), data: fc.anything(), body: fc.anything(), ticket: fc.anything() }).map((m) => JSON.stringify(m)),
    );
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        const answer = nextError();
        ws.send(m);
        // Malformed, or well formed but refused (a join with a made-up ticket, a signal outside a call);
        // never a server error, never silence.
        expect(await answer).toEqual({ type: "error", reason: expect.stringMatching(/^(invalid message|invalid ticket|not in a call)$/) });
        expect(ws.readyState).toBe(WebSocket.OPEN);
        // One message per refill of the flood allowance (20 a second): none is dropped unanswered.
        await new Promise((r) => setTimeout(r, 50));
      }),
      { numRuns: 150 },
    );
    ws.send(JSON.stringify({ type: "chat", body: "still here after the fuzz", clientId: crypto.randomUUID() }));
    await expect.poll(() => replies.some((r) => r.includes("still here after the fuzz")), { timeout: 5000 }).toBe(true);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
