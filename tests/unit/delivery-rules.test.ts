import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { roomMessageFor, roomStatusAfter, streamMessageFor, streamPresenceFor, type RoomSubscriber } from "~/features/live/delivery-rules.server";
import type { AppointmentEvent, LiveEvent } from "~/features/live/events";

const DOCTOR = "doctor-1";
const entry = { startsAt: "2026-12-01T01:00:00.000Z", endsAt: "2026-12-01T01:15:00.000Z", patientName: "Wang Fang", reason: "cough for three days", checkedInAt: "2026-12-01T00:55:00.000Z", admittedAt: null };
const change = (over: Partial<AppointmentEvent> = {}): AppointmentEvent => ({
  kind: "appointment",
  appointmentId: "other",
  doctorId: DOCTOR,
  patientId: "patient-2",
  status: "checked_in",
  previous: "booked",
  entry,
  queue: { waiting: ["first", "mine", "other"], inCall: true },
  ...over,
});
const room = (over: Partial<RoomSubscriber> = {}): RoomSubscriber => ({
  role: "patient",
  peer: over.role && over.role !== "patient" ? over.role : "patient",
  appointmentId: "mine",
  doctorId: DOCTOR,
  status: "checked_in",
  joined: false,
  socketId: "socket-1",
  ...over,
});
/** What a room hears, as the live delivery applies the rules: its status moves first. */
const hear = (subscriber: RoomSubscriber, event: LiveEvent) => roomMessageFor({ ...subscriber, status: roomStatusAfter(subscriber, event) }, event);

describe("who hears what in a consultation room", () => {
  it("tells a room of its own appointment's new status", () => {
    expect(hear(room({ status: "checked_in" }), change({ appointmentId: "mine", status: "in_consultation" }))).toEqual({ type: "changed", status: "in_consultation" });
    expect(roomStatusAfter(room(), change({ appointmentId: "mine", status: "in_consultation" }))).toBe("in_consultation");
  });

  it("gives a waiting patient their place in the queue and whether the doctor is in a call, never who else waits", () => {
    const message = hear(room(), change());
    expect(message).toEqual({ type: "queue", position: 2, inCall: true });
    expect(JSON.stringify(message)).not.toContain("Wang Fang");
    expect(JSON.stringify(message)).not.toContain("cough");
  });

  it("tells a waiting patient who is no longer in the queue that they have no place", () => {
    expect(hear(room(), change({ queue: { waiting: ["other"], inCall: false } }))).toEqual({ type: "queue", position: null, inCall: false });
  });

  it("asks a waiting patient's page to read its place again when a change comes without the queue", () => {
    expect(hear(room(), change({ queue: undefined }))).toEqual({ type: "stale" });
  });

  it("tells a patient who is not waiting nothing of the doctor's other patients", () => {
    expect(hear(room({ status: "booked" }), change())).toBeNull();
    expect(hear(room({ status: "in_consultation" }), change())).toBeNull();
  });

  it("gives the doctor's room the changed appointment with its entry, for the waiting room", () => {
    expect(hear(room({ role: "doctor", status: "in_consultation" }), change())).toEqual({ type: "appointment", appointmentId: "other", status: "checked_in", entry });
  });

  it("tells nobody of another doctor's appointments", () => {
    expect(hear(room(), change({ doctorId: "doctor-2" }))).toBeNull();
    expect(hear(room({ role: "doctor" }), change({ doctorId: "doctor-2" }))).toBeNull();
  });

  it("relays chat to the appointment's rooms only", () => {
    const message = { id: "m1", senderRole: "doctor" as const, senderName: "Dr Li", body: "hello", clientId: "c1", createdAt: "2026-12-01T01:00:00Z" };
    expect(hear(room(), { kind: "chat", appointmentId: "mine", message })).toEqual({ type: "chat", message });
    expect(hear(room(), { kind: "chat", appointmentId: "other", message })).toBeNull();
  });

  it("shows a new attachment in the appointment's rooms only (both sides), never on the schedule pages", () => {
    const attachment = { id: "f1", kind: "image" as const, purpose: "visit" as const, fileName: "rash.jpg", byteSize: 1200, width: 640, height: 480, createdAt: "2026-12-01T01:00:00Z" };
    const event = { kind: "attachment" as const, appointmentId: "mine", attachment };
    expect(hear(room(), event)).toEqual({ type: "attachment", attachment });
    expect(hear(room({ role: "doctor" }), event)).toEqual({ type: "attachment", attachment });
    expect(hear(room(), { ...event, appointmentId: "other" })).toBeNull();
    expect(streamMessageFor({ kind: "board" }, event)).toBeNull();
    expect(streamMessageFor({ kind: "today", doctorId: "doctor-1" }, event)).toBeNull();
  });

  it("relays a WebRTC signal to the addressed person only once they joined, saying whom it is from, and drops a corrupt one", () => {
    const payload = deflateRawSync(JSON.stringify({ candidate: null })).toString("base64");
    const signal = { kind: "signal" as const, appointmentId: "mine", from: "doctor", to: "patient", payload };
    expect(hear(room({ joined: true }), signal)).toEqual({ type: "signal", from: "doctor", data: { candidate: null } });
    expect(hear(room({ joined: false }), signal)).toBeNull();
    expect(hear(room({ role: "doctor", joined: true }), signal)).toBeNull();
    expect(hear(room({ joined: true }), { ...signal, payload: "not deflated" })).toBeNull();
    // In a call of three, a signal between the doctor and the colleague never reaches the patient.
    const colleague = "colleague:7d3c1f0e-2b8a-4c1e-9f3a-0c5e6d7a8b9c";
    expect(hear(room({ joined: true }), { ...signal, to: colleague })).toBeNull();
    expect(hear(room({ role: "colleague", peer: colleague, joined: true }), { ...signal, to: colleague })).toEqual({ type: "signal", from: "doctor", data: { candidate: null } });
  });

  it("tells a joined person when someone else comes or goes, naming them, never of themselves", () => {
    const presence = { kind: "presence" as const, appointmentId: "mine", role: "doctor" as const, peer: "doctor", present: true, reply: false, socketId: "socket-2" };
    expect(hear(room({ joined: true }), presence)).toEqual({ type: "peer", peer: "doctor", present: true });
    expect(hear(room({ joined: false }), presence)).toBeNull();
    expect(hear(room({ joined: true, role: "doctor" }), presence)).toBeNull();
    expect(hear(room({ joined: true, socketId: "socket-2" }), { ...presence, role: "patient", peer: "patient" })).toBeNull();
  });

  it("sends a reply to an arrival only to the one who arrived", () => {
    const colleague = "colleague:7d3c1f0e-2b8a-4c1e-9f3a-0c5e6d7a8b9c";
    const reply = { kind: "presence" as const, appointmentId: "mine", role: "doctor" as const, peer: "doctor", present: true, reply: true, to: colleague, socketId: "socket-2" };
    expect(hear(room({ joined: true }), reply)).toBeNull();
    expect(hear(room({ role: "colleague", peer: colleague, joined: true }), reply)).toEqual({ type: "peer", peer: "doctor", present: true });
  });

  it("says when someone ended the call on purpose, not only that they went", () => {
    const left = { kind: "presence" as const, appointmentId: "mine", role: "doctor" as const, peer: "doctor", present: false, reply: false, socketId: "socket-2" };
    expect(hear(room({ joined: true }), { ...left, hungUp: true })).toEqual({ type: "peer", peer: "doctor", present: false, hungUp: true });
    expect(hear(room({ joined: true }), left)).toEqual({ type: "peer", peer: "doctor", present: false });
  });

  it("tells the appointment's rooms who takes part changed, and the removed person that they were removed", () => {
    const companion = "companion:7d3c1f0e-2b8a-4c1e-9f3a-0c5e6d7a8b9c";
    const event = { kind: "participants" as const, appointmentId: "mine", removed: companion };
    expect(hear(room(), event)).toEqual({ type: "participants" });
    expect(hear(room({ role: "doctor" }), event)).toEqual({ type: "participants" });
    expect(hear(room({ role: "companion", peer: companion }), event)).toEqual({ type: "removed" });
    expect(hear(room(), { ...event, appointmentId: "other" })).toBeNull();
    expect(streamMessageFor({ kind: "board" }, event)).toBeNull();
  });

  it("sends rooms nothing for events that are not theirs to show", () => {
    expect(hear(room(), { kind: "settings" })).toBeNull();
    expect(hear(room(), { kind: "availability", doctorId: DOCTOR })).toBeNull();
  });
});

describe("who hears what on the schedule pages", () => {
  it("gives a doctor's Today their own appointments with the reason for the visit", () => {
    expect(streamMessageFor({ kind: "today", doctorId: DOCTOR }, change())).toMatchObject({ appointmentId: "other", status: "checked_in", previous: "booked", entry: { reason: "cough for three days" } });
    expect(streamMessageFor({ kind: "today", doctorId: "doctor-2" }, change())).toBeNull();
  });

  it("gives the board every appointment, never the reason for the visit", () => {
    const message = streamMessageFor({ kind: "board" }, change({ doctorId: "doctor-2" }));
    expect(message).toMatchObject({ doctorId: "doctor-2", entry: { patientName: "Wang Fang" } });
    expect(JSON.stringify(message)).not.toContain("cough");
  });

  it("says when time was booked, moved or freed", () => {
    expect(streamMessageFor({ kind: "board" }, change({ slotsChanged: true }))?.slotsChanged).toBe(true);
    expect(streamMessageFor({ kind: "board" }, change())?.slotsChanged).toBe(false);
  });

  it("tells only the patient's own doctor's Today whether they are here, never the board or the rooms", () => {
    const away: LiveEvent = { kind: "patient-presence", appointmentId: "mine", doctorId: DOCTOR, present: false, since: "2026-12-01T01:02:00.000Z" };
    expect(streamPresenceFor({ kind: "today", doctorId: DOCTOR }, away)).toEqual({ appointmentId: "mine", present: false, since: "2026-12-01T01:02:00.000Z" });
    expect(streamPresenceFor({ kind: "today", doctorId: "doctor-2" }, away)).toBeNull();
    expect(streamPresenceFor({ kind: "board" }, away)).toBeNull();
    expect(streamMessageFor({ kind: "today", doctorId: DOCTOR }, away)).toBeNull();
    expect(hear(room({ role: "doctor", joined: true }), away)).toBeNull();
    expect(hear(room(), away)).toBeNull();
    expect(streamPresenceFor({ kind: "today", doctorId: DOCTOR }, change())).toBeNull();
  });

  it("sends the schedule pages nothing but appointments", () => {
    expect(streamMessageFor({ kind: "board" }, { kind: "availability", doctorId: DOCTOR })).toBeNull();
    expect(streamMessageFor({ kind: "board" }, { kind: "chat", appointmentId: "x", message: { id: "m", senderRole: "patient", senderName: "p", body: "b", clientId: "c", createdAt: "t" } })).toBeNull();
  });
});
