import { describe, expect, inject, it } from "vitest";
import { WebSocket } from "ws";
import { openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";

// Live connections belong to a login session: when it ends — here, from another device — the room's
// socket and the schedule's event stream close within seconds, and cannot be opened again with it.
const baseURL = inject("baseURL");
const CLOSE_WITHIN_MS = 5_000;

/** A room socket as the browser opens it; resolves once open, with how and when it closed. */
async function openRoomSocket(appointmentId: string, cookie: string) {
  const ws = new WebSocket(`${baseURL.replace("http", "ws")}/ws/signal?appointment=${appointmentId}`, { headers: { Cookie: cookie, Origin: baseURL } });
  const closed = new Promise<{ code: number; at: number }>((resolve) => ws.on("close", (code) => resolve({ code, at: Date.now() })));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_request, response) => reject(new Error(`socket refused: ${response.statusCode}`)));
  });
  return { ws, closed };
}

/** A schedule page's event stream; resolves once connected, with everything it received and when it ended. */
async function openStream(cookie: string) {
  const response = await fetch(`${baseURL}/live/events`, { headers: { Cookie: cookie } });
  expect(response.status).toBe(200);
  let text = "";
  const reader = response.body!.getReader();
  const ended = (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return Date.now();
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { received: () => text, ended };
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

describe("live connections and the session they belong to", () => {
  it("closes a patient's room socket within seconds of signing out elsewhere, and refuses it afterwards", async () => {
    const room = await openConsultation(baseURL);
    const socket = await openRoomSocket(room.appointmentId, room.patient.cookie);
    // "Elsewhere": another tab of the same browser signs out.
    const signedOutAt = Date.now();
    expect((await room.patient.post("/logout", {})).status).toBe(302);
    const { code, at } = await within(socket.closed, CLOSE_WITHIN_MS);
    expect(code).toBe(4401);
    expect(at - signedOutAt).toBeLessThan(CLOSE_WITHIN_MS);
    await expect(openRoomSocket(room.appointmentId, room.patient.cookie)).rejects.toThrow("socket refused: 401");
  });

  it("closes a doctor's room socket and Today's event stream when the doctor changes the password on another device", async () => {
    const room = await openConsultation(baseURL);
    const socket = await openRoomSocket(room.appointmentId, room.doctor.cookie);
    const stream = await openStream(room.doctor.cookie);
    // Another device: the same doctor, signed in again, changes the password.
    const other = client(baseURL);
    await other.signIn(room.doctorEmail, room.doctorPassword);
    const changed = await other.post("/account/password", { currentPassword: room.doctorPassword, newPassword: room.doctorPassword });
    expect(changed.status).toBeLessThan(400);
    expect((await within(socket.closed, CLOSE_WITHIN_MS)).code).toBe(4401);
    await within(stream.ended, CLOSE_WITHIN_MS);
    expect(stream.received()).toContain("event: session-ended");
    // The device that changed it stays signed in.
    expect((await other.get("/doctor/today")).status).toBe(200);
  });

});
