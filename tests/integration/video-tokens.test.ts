import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { appointments, consultations, users } from "~db/schema";
import { issueJoinCredentials, opaqueIdentity } from "~/features/consultation/issue-token.server";
import { changeRoomState } from "~/features/consultation/room.server";
import { joinTickets, p2pProvider } from "~/features/consultation/video/p2p.server";
import type { JoinRequest, VideoProvider } from "~/features/consultation/video/provider.server";
import { twilioProvider } from "~/features/consultation/video/twilio.server";
import { ForbiddenError } from "~/utils/errors";
import { at } from "../helpers/booking";
import { type Actor, auditRowsFor, makeConsultation, minutesAfter, rejectionOf } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;
afterEach(() => {
  vi.useRealTimers();
});

// Fake but well-formed Twilio credentials: minting a token needs no network.
const TWILIO = {
  accountSid: `AC${"0123456789abcdef".repeat(2)}`,
  apiKeySid: `SK${"fedcba9876543210".repeat(2)}`,
  apiKeySecret: "not-a-real-secret-but-long-enough",
};
const TICKETS = joinTickets("test-ticket-secret");
const P2P = p2pProvider({ tickets: TICKETS, iceServers: [] });

// The appointment runs 09:00–09:30 on MONDAY: the window opens at 08:45 and closes at 10:30.
const OPENS = at("08:45");
const CLOSES = at("10:30");
const seconds = (instant: Date) => Math.floor(instant.getTime() / 1000);

/**
 * The provider with the process clock set to the request's `now` while it mints (the Twilio SDK reads
 * Date.now() for iat/exp), and a record of every request it was asked to serve.
 */
function onRequestClock(provider: VideoProvider) {
  const requests: JoinRequest[] = [];
  const wrapped: VideoProvider = {
    name: provider.name,
    async issue(request) {
      requests.push(request);
      vi.useFakeTimers({ toFake: ["Date"], now: request.now });
      try {
        return await provider.issue(request);
      } finally {
        vi.useRealTimers();
      }
    },
  };
  return { provider: wrapped, requests };
}

function decodeJwt(token: string) {
  const parts = token.split(".");
  expect(parts).toHaveLength(3);
  const [header, payload, signature] = parts as [string, string, string];
  const json = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  return { header: json(header), payload: json(payload), signingInput: `${header}.${payload}`, signature };
}

type TwilioPayload = {
  jti: string;
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  nbf?: number;
  grants: { identity: string; video?: { room?: string } } & Record<string, unknown>;
};

const roomNameOf = async (appointmentId: string) =>
  (await db().select({ roomName: consultations.roomName }).from(consultations).where(eq(consultations.appointmentId, appointmentId)))[0]
    ?.roomName;

describe("Twilio access tokens", () => {
  it("grant only this consultation's room, under an opaque identity, expiring with the join window", async () => {
    const { appointment, patient, asPatient } = await makeConsultation(db());
    await db().update(users).set({ displayName: "Wang Xiuying" }).where(eq(users.id, patient.id));
    const now = at("09:00");
    const { provider } = onRequestClock(twilioProvider(TWILIO));

    const credentials = await issueJoinCredentials(db(), asPatient, appointment.id, { now, provider });

    const roomName = await roomNameOf(appointment.id);
    expect(roomName).toMatch(/^[0-9a-f]{32}$/);
    const { header, payload: raw, signingInput, signature } = decodeJwt(credentials.token);
    const payload = raw as TwilioPayload;
    expect(header).toMatchObject({ alg: "HS256", typ: "JWT", cty: "twilio-fpa;v=1" });
    expect(createHmac("sha256", TWILIO.apiKeySecret).update(signingInput).digest("base64url")).toBe(signature);

    expect(payload.grants.video).toEqual({ room: roomName });
    expect(Object.keys(payload.grants).sort()).toEqual(["identity", "video"]);
    const identity = opaqueIdentity("patient", patient.id, appointment.id);
    expect(payload.grants.identity).toBe(identity);
    for (const personal of [patient.email, patient.email.split("@")[0]!, "Wang", "Xiuying", patient.id]) {
      expect(payload.grants.identity.toLowerCase()).not.toContain(personal.toLowerCase());
      expect(JSON.stringify({ header, payload }).toLowerCase()).not.toContain(personal.toLowerCase());
    }
    expect(payload.iss).toBe(TWILIO.apiKeySid);
    expect(payload.sub).toBe(TWILIO.accountSid);
    expect(payload.iat).toBe(seconds(now));
    expect(payload.exp).toBeGreaterThan(seconds(now));
    expect(payload.exp).toBeLessThanOrEqual(seconds(CLOSES));

    expect(credentials).toMatchObject({ provider: "twilio", roomName, identity, iceServers: [] });
    expect(Date.parse(credentials.expiresAt)).toBeLessThanOrEqual(CLOSES.getTime());
  });

  it("give the doctor the same room under a different identity", async () => {
    const { appointment, patient, asPatient, asDoctor } = await makeConsultation(db());
    const { provider } = onRequestClock(twilioProvider(TWILIO));
    const forPatient = await issueJoinCredentials(db(), asPatient, appointment.id, { now: at("08:50"), provider });
    const forDoctor = await issueJoinCredentials(db(), asDoctor, appointment.id, { now: at("08:55"), provider });
    const patientGrants = (decodeJwt(forPatient.token).payload as TwilioPayload).grants;
    const doctorGrants = (decodeJwt(forDoctor.token).payload as TwilioPayload).grants;
    expect(doctorGrants.video).toEqual(patientGrants.video);
    expect(doctorGrants.identity).toBe(opaqueIdentity("doctor", asDoctor.id, appointment.id));
    expect(doctorGrants.identity).not.toBe(patientGrants.identity);
    expect(patientGrants.identity).toBe(opaqueIdentity("patient", patient.id, appointment.id));
  });

  it("are issued while the patient waits and during the call", async () => {
    const { appointment, asPatient, asDoctor } = await makeConsultation(db());
    const { provider } = onRequestClock(twilioProvider(TWILIO));
    await changeRoomState(db(), asPatient, appointment.id, "checkIn", { now: at("08:50") });
    await issueJoinCredentials(db(), asPatient, appointment.id, { now: at("08:51"), provider });
    await changeRoomState(db(), asDoctor, appointment.id, "admit", { now: at("09:00") });
    const late = await issueJoinCredentials(db(), asDoctor, appointment.id, { now: at("10:00"), provider });
    const payload = decodeJwt(late.token).payload as TwilioPayload;
    expect(payload.exp).toBeLessThanOrEqual(seconds(CLOSES));
  });

  it("never outlive the join window, even when issued in its last minute", async () => {
    const { appointment, asPatient } = await makeConsultation(db());
    const { provider } = onRequestClock(twilioProvider(TWILIO));
    const now = new Date(CLOSES.getTime() - 30_000);
    const credentials = await issueJoinCredentials(db(), asPatient, appointment.id, { now, provider });
    const payload = decodeJwt(credentials.token).payload as TwilioPayload;
    expect(Date.parse(credentials.expiresAt)).toBeLessThanOrEqual(CLOSES.getTime());
    expect(payload.exp).toBeLessThanOrEqual(seconds(CLOSES));
  });
});

describe("peer-to-peer tickets", () => {
  async function issued() {
    const setup = await makeConsultation(db());
    const credentials = await issueJoinCredentials(db(), setup.asPatient, setup.appointment.id, {
      now: at("09:00"),
      provider: P2P,
    });
    return { ...setup, credentials };
  }

  it("verify for their own appointment and user until the window closes", async () => {
    const { appointment, patient, credentials } = await issued();
    expect(credentials).toMatchObject({
      provider: "p2p",
      roomName: await roomNameOf(appointment.id),
      identity: opaqueIdentity("patient", patient.id, appointment.id),
      expiresAt: CLOSES.toISOString(),
      iceServers: [],
    });
    const claims = TICKETS.verify(credentials.token, at("09:00"));
    expect(claims).toEqual({ appointmentId: appointment.id, userId: patient.id, role: "patient", exp: seconds(CLOSES) });
    expect(TICKETS.verify(credentials.token, new Date(CLOSES.getTime() - 1000))).toEqual(claims);
  });

  it("are refused once expired", async () => {
    const { credentials } = await issued();
    expect(TICKETS.verify(credentials.token, CLOSES)).toBeNull();
    expect(TICKETS.verify(credentials.token, minutesAfter(CLOSES, 60))).toBeNull();
  });

  it("are refused when tampered with or signed with another secret", async () => {
    const { credentials, appointment, asDoctor } = await issued();
    const now = at("09:00");
    const [body, signature] = credentials.token.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as Record<string, unknown>;
    const reencode = (changed: Record<string, unknown>) => Buffer.from(JSON.stringify(changed)).toString("base64url");

    // Someone else's identity, a longer life, another role — each with the original signature.
    for (const forged of [
      { ...claims, userId: asDoctor.id },
      { ...claims, role: "doctor" },
      { ...claims, exp: (claims.exp as number) + 86_400 },
      { ...claims, appointmentId: crypto.randomUUID() },
    ]) {
      expect(TICKETS.verify(`${reencode(forged)}.${signature}`, now)).toBeNull();
    }
    const flipped = signature.slice(0, -1) + (signature.endsWith("A") ? "B" : "A");
    expect(TICKETS.verify(`${body}.${flipped}`, now)).toBeNull();
    expect(TICKETS.verify(`${body}.`, now)).toBeNull();
    expect(TICKETS.verify(body, now)).toBeNull();
    expect(TICKETS.verify("", now)).toBeNull();
    expect(joinTickets("another-secret").verify(credentials.token, now)).toBeNull();
    // The genuine ticket still verifies, for this appointment only.
    expect(TICKETS.verify(credentials.token, now)?.appointmentId).toBe(appointment.id);
  });
});

describe("refusals", () => {
  it("are the same 403 for everyone who may not join, whether or not the appointment exists", async () => {
    const { appointment, asPatient, asDoctor } = await makeConsultation(db());
    const otherPatient: Actor = { id: (await makeUser(db(), "patient")).id, role: "patient" };
    const otherDoctor: Actor = { id: (await makeDoctor(db())).userId, role: "doctor" };
    const staff: Actor = { id: (await makeUser(db(), "staff")).id, role: "staff" };
    const admin: Actor = { id: (await makeUser(db(), "admin")).id, role: "admin" };
    const cancelled = await makeConsultation(db(), { start: "11:00" });
    await db()
      .update(appointments)
      .set({ status: "cancelled", cancelledAt: at("08:00"), cancelledBy: cancelled.patient.id })
      .where(eq(appointments.id, cancelled.appointment.id));
    const { provider, requests } = onRequestClock(twilioProvider(TWILIO));

    const attempts: [string, Actor, string, Date][] = [
      ["another patient", otherPatient, appointment.id, at("09:00")],
      ["a doctor who is not this appointment's", otherDoctor, appointment.id, at("09:00")],
      ["staff", staff, appointment.id, at("09:00")],
      ["an admin", admin, appointment.id, at("09:00")],
      ["the patient before the window opens", asPatient, appointment.id, new Date(OPENS.getTime() - 1000)],
      ["the doctor before the window opens", asDoctor, appointment.id, at("08:00")],
      ["the patient as the window closes", asPatient, appointment.id, CLOSES],
      ["the patient after the window closed", asPatient, appointment.id, at("12:00")],
      ["the patient of a cancelled appointment", cancelled.asPatient, cancelled.appointment.id, at("11:00")],
      ["the doctor of a cancelled appointment", cancelled.asDoctor, cancelled.appointment.id, at("11:00")],
      ["a non-existent appointment", asPatient, crypto.randomUUID(), at("09:00")],
      ["a malformed appointment id", asPatient, "../../etc/passwd", at("09:00")],
    ];
    for (const [label, actor, appointmentId, now] of attempts) {
      const error = await rejectionOf(issueJoinCredentials(db(), actor, appointmentId, { now, provider }));
      expect(error, label).toBeInstanceOf(ForbiddenError);
      expect(error, label).toMatchObject({ status: 403, messageKey: "consult.tokenRefused" });
    }
    expect(requests).toHaveLength(0);
    expect(await auditRowsFor(db(), [appointment.id, cancelled.appointment.id])).toHaveLength(0);
    expect(await roomNameOf(appointment.id)).toBeUndefined();
    expect(await roomNameOf(cancelled.appointment.id)).toBeUndefined();
  });

  it("are given once the consultation is over, whatever its ending", async () => {
    const done = await makeConsultation(db());
    await changeRoomState(db(), done.asPatient, done.appointment.id, "checkIn", { now: at("08:50") });
    await changeRoomState(db(), done.asDoctor, done.appointment.id, "admit", { now: at("09:00") });
    await changeRoomState(db(), done.asDoctor, done.appointment.id, "end", { now: at("09:20") });
    const missed = await makeConsultation(db(), { start: "10:00" });
    await changeRoomState(db(), missed.asDoctor, missed.appointment.id, "noShow", { now: at("10:10") });
    const { provider, requests } = onRequestClock(twilioProvider(TWILIO));
    for (const [actor, appointmentId] of [
      [done.asPatient, done.appointment.id],
      [done.asDoctor, done.appointment.id],
      [missed.asPatient, missed.appointment.id],
      [missed.asDoctor, missed.appointment.id],
    ] as const) {
      await expect(issueJoinCredentials(db(), actor, appointmentId, { now: at("10:15"), provider })).rejects.toMatchObject({
        status: 403,
        messageKey: "consult.tokenRefused",
      });
    }
    expect(requests).toHaveLength(0);
    expect(await auditRowsFor(db(), [done.appointment.id, missed.appointment.id], "video.token_issued")).toHaveLength(0);
  });
});

describe("audit of issued tokens", () => {
  it("writes one video.token_issued row per token, for the consultation, naming actor and provider", async () => {
    const { appointment, asPatient, asDoctor } = await makeConsultation(db());
    const twilio = onRequestClock(twilioProvider(TWILIO)).provider;
    await issueJoinCredentials(db(), asPatient, appointment.id, { now: at("08:50"), provider: twilio, clientAddress: "198.51.100.4" });
    await issueJoinCredentials(db(), asDoctor, appointment.id, { now: at("08:55"), provider: P2P });
    await issueJoinCredentials(db(), asPatient, appointment.id, { now: at("09:05"), provider: twilio });

    const rows = await auditRowsFor(db(), [appointment.id]);
    expect(
      rows.map((r) => ({ action: r.action, type: r.entityType, id: r.entityId, actor: r.actorId, detail: r.detail, from: r.clientAddress })),
    ).toEqual([
      { action: "video.token_issued", type: "consultation", id: appointment.id, actor: asPatient.id, detail: { provider: "twilio" }, from: "198.51.100.4" },
      { action: "video.token_issued", type: "consultation", id: appointment.id, actor: asDoctor.id, detail: { provider: "p2p" }, from: null },
      { action: "video.token_issued", type: "consultation", id: appointment.id, actor: asPatient.id, detail: { provider: "twilio" }, from: null },
    ]);
    // One room for the whole consultation, however many tokens.
    const names = await db().select().from(consultations).where(eq(consultations.appointmentId, appointment.id));
    expect(names).toHaveLength(1);
  });
});
