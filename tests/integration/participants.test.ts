import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { consultationParticipants, consultNotes, sessions, users } from "~db/schema";
import { visitSummary } from "~/features/consult-notes/notes.server";
import { issueJoinCredentials } from "~/features/consultation/issue-token.server";
import { JoinLinkNotOpenError } from "~/features/consultation/join-links.server";
import {
  invitedConsultations,
  inviteColleague,
  inviteCompanion,
  listParticipants,
  manageParticipant,
  openGuestLink,
} from "~/features/consultation/participants.server";
import { changeRoomState, getRoomAccess } from "~/features/consultation/room.server";
import { p2pProvider, joinTickets } from "~/features/consultation/video/p2p.server";
import { DomainError, NotFoundError } from "~/utils/errors";
import { at } from "../helpers/booking";
import { auditRowsFor, makeConsultation, rejectionOf } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

const provider = p2pProvider({ tickets: joinTickets("test-secret"), iceServers: [] });
const guestContext = (now: Date) => ({ secureCookies: false, clientAddress: "127.0.0.1", limit: { key: `guest:${crypto.randomUUID()}`, max: 100, windowSeconds: 60 }, now });
/** Inside the 09:00 appointment's join window, and long after it closed. */
const EARLY = at("08:00");
const INSIDE = at("08:55");
const AFTER = at("12:00");

/** An appointment in consultation: the patient checked in and the doctor admitted them. */
async function consultationInCall() {
  const c = await makeConsultation(db(), { start: "09:00" });
  await changeRoomState(db(), c.asPatient, c.appointment.id, "checkIn", { now: INSIDE });
  await changeRoomState(db(), c.asDoctor, c.appointment.id, "admit", { now: INSIDE });
  return c;
}

describe("a colleague in a consultation", () => {
  it("is invited by the doctor, enters the room as a colleague, gets a call token, and is recorded", async () => {
    const c = await consultationInCall();
    const colleague = await makeDoctor(db(), { nameEn: "Zhou Min" });
    const asColleague = { id: colleague.userId, role: "doctor" as const };
    // Before the invitation the room does not exist for them.
    expect(await rejectionOf(getRoomAccess(db(), asColleague, c.appointment.id, INSIDE))).toBeInstanceOf(NotFoundError);

    await inviteColleague(db(), c.asDoctor, c.appointment.id, colleague.id, { now: INSIDE });
    const access = await getRoomAccess(db(), asColleague, c.appointment.id, INSIDE);
    expect(access.role).toBe("colleague");
    expect(access.peer).toMatch(/^colleague:[0-9a-f-]{36}$/);
    const credentials = await issueJoinCredentials(db(), asColleague, c.appointment.id, { provider, now: INSIDE });
    expect(credentials.provider).toBe("p2p");
    const [listed] = await listParticipants(db(), c.appointment.id);
    expect(listed).toMatchObject({ kind: "colleague", status: "admitted", doctor: { nameEn: "Zhou Min" } });
    expect((await invitedConsultations(db(), colleague.userId, INSIDE)).map((i) => i.appointmentId)).toEqual([c.appointment.id]);
    const [audit] = await auditRowsFor(db(), [c.appointment.id], "participant.invited");
    expect(audit).toMatchObject({ actorId: c.asDoctor.id, patientId: c.patient.id, detail: { kind: "colleague", userId: colleague.userId } });
  });

  it("cannot be invited by the patient, twice, or past four people in the call", async () => {
    const c = await consultationInCall();
    const [one, two] = [await makeDoctor(db()), await makeDoctor(db())];
    expect(await rejectionOf(inviteColleague(db(), c.asPatient, c.appointment.id, one.id))).toMatchObject({ status: 403 });
    await inviteColleague(db(), c.asDoctor, c.appointment.id, one.id);
    expect(await rejectionOf(inviteColleague(db(), c.asDoctor, c.appointment.id, one.id))).toMatchObject({ messageKey: "participants.refused.already" });
    await inviteCompanion(db(), c.asPatient, c.appointment.id);
    expect(await rejectionOf(inviteColleague(db(), c.asDoctor, c.appointment.id, two.id))).toMatchObject({ status: 409, messageKey: "participants.refused.full" });
    expect(await rejectionOf(inviteColleague(db(), c.asDoctor, c.appointment.id, c.doctor.id))).toMatchObject({ status: 409 });
  });

  it("holds the last seat for one of two invitations sent at the same moment", async () => {
    const c = await consultationInCall();
    await inviteCompanion(db(), c.asPatient, c.appointment.id);
    const [one, two] = [await makeDoctor(db()), await makeDoctor(db())];
    const outcomes = await Promise.allSettled([one, two].map((d) => inviteColleague(db(), c.asDoctor, c.appointment.id, d.id)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect((await listParticipants(db(), c.appointment.id)).filter((p) => p.status !== "removed")).toHaveLength(2);
  });

  it("once removed, no longer finds the room, nor gets a token", async () => {
    const c = await consultationInCall();
    const colleague = await makeDoctor(db(), { nameEn: "Li Wei" });
    const asColleague = { id: colleague.userId, role: "doctor" as const };
    await inviteColleague(db(), c.asDoctor, c.appointment.id, colleague.id);
    const [row] = await listParticipants(db(), c.appointment.id);
    expect(await rejectionOf(manageParticipant(db(), c.asPatient, c.appointment.id, row!.id, "remove"))).toMatchObject({ status: 403 });
    await manageParticipant(db(), c.asDoctor, c.appointment.id, row!.id, "remove", { now: INSIDE });
    expect(await rejectionOf(getRoomAccess(db(), asColleague, c.appointment.id, INSIDE))).toBeInstanceOf(NotFoundError);
    expect(await rejectionOf(issueJoinCredentials(db(), asColleague, c.appointment.id, { provider, now: INSIDE }))).toMatchObject({ status: 403 });
    const [listed] = await listParticipants(db(), c.appointment.id);
    expect(listed!.status).toBe("removed");
    expect((await auditRowsFor(db(), [c.appointment.id], "participant.removed")).map((r) => r.detail)).toEqual([{ participantId: row!.id, kind: "colleague" }]);
    // The signed summary the patient reads names who took part, removed later or not.
    await db().insert(consultNotes).values({ appointmentId: c.appointment.id, authorId: c.asDoctor.id, diagnosis: "Migraine", signedAt: INSIDE, signedBy: c.asDoctor.id });
    const summary = await visitSummary(db(), c.appointment.id);
    expect(summary!.tookPart.map((p) => [p.kind, p.doctor?.nameEn])).toEqual([["colleague", "Li Wei"]]);
  });
});

describe("a companion's guest link", () => {
  it("opens once, inside the join window, asks only for a name, and waits for the doctor", async () => {
    const c = await consultationInCall();
    const token = await inviteCompanion(db(), c.asPatient, c.appointment.id);
    const early = await rejectionOf(openGuestLink(db(), token, "Li Na", null, guestContext(EARLY)));
    expect(early).toBeInstanceOf(JoinLinkNotOpenError);
    expect((early as JoinLinkNotOpenError).closed).toBe(false);

    const opened = await openGuestLink(db(), token, "Li Na", null, guestContext(INSIDE));
    expect(opened.appointmentId).toBe(c.appointment.id);
    expect(opened.setCookie).toMatch(/^yz_session=/);
    const [row] = await db().select().from(consultationParticipants).where(eq(consultationParticipants.appointmentId, c.appointment.id));
    expect(row).toMatchObject({ kind: "companion", status: "waiting" });
    const [guest] = await db().select().from(users).where(eq(users.id, row!.userId!));
    expect(guest).toMatchObject({ role: "guest", displayName: "Li Na" });
    // The session opens this room only.
    const [session] = await db().select().from(sessions).where(eq(sessions.userId, guest!.id));
    expect(session!.appointmentId).toBe(c.appointment.id);

    // A second use is refused (410), whoever tries it.
    const again = await rejectionOf(openGuestLink(db(), token, "Someone else", null, guestContext(INSIDE)));
    expect(again).toMatchObject({ status: 410, messageKey: "guestLink.used" });

    // Waiting: in the room, not in the call; admitted: in the call.
    const asGuest = { id: guest!.id, role: "guest" as const };
    expect((await getRoomAccess(db(), asGuest, c.appointment.id, INSIDE)).role).toBe("companion");
    expect(await rejectionOf(issueJoinCredentials(db(), asGuest, c.appointment.id, { provider, now: INSIDE }))).toMatchObject({ status: 403 });
    await manageParticipant(db(), c.asDoctor, c.appointment.id, row!.id, "admit", { now: INSIDE });
    expect((await issueJoinCredentials(db(), asGuest, c.appointment.id, { provider, now: INSIDE })).provider).toBe("p2p");

    // Removed: their sessions end and the room is gone for them.
    await manageParticipant(db(), c.asDoctor, c.appointment.id, row!.id, "remove", { now: INSIDE });
    expect(await db().select().from(sessions).where(eq(sessions.userId, guest!.id))).toEqual([]);
    expect(await rejectionOf(getRoomAccess(db(), asGuest, c.appointment.id, INSIDE))).toBeInstanceOf(NotFoundError);
    const actions = (await auditRowsFor(db(), [c.appointment.id])).map((r) => r.action).filter((a) => a.startsWith("participant."));
    expect(actions).toEqual(["participant.invited", "participant.link_refused", "participant.joined", "participant.link_refused", "participant.admitted", "participant.removed"]);
  });

  it("is refused after the window closed, and an unknown or malformed token is not found", async () => {
    const c = await makeConsultation(db(), { start: "09:00" });
    const token = await inviteCompanion(db(), c.asPatient, c.appointment.id);
    const late = await rejectionOf(openGuestLink(db(), token, "Li Na", null, guestContext(AFTER)));
    expect(late).toBeInstanceOf(JoinLinkNotOpenError);
    expect((late as JoinLinkNotOpenError).closed).toBe(true);
    expect(await rejectionOf(openGuestLink(db(), "x".repeat(43), "Li Na", null, guestContext(INSIDE)))).toBeInstanceOf(NotFoundError);
    expect(await rejectionOf(openGuestLink(db(), "short", "Li Na", null, guestContext(INSIDE)))).toBeInstanceOf(DomainError);
    // One companion at a time.
    expect(await rejectionOf(inviteCompanion(db(), c.asPatient, c.appointment.id))).toMatchObject({ messageKey: "participants.refused.companionAlready" });
    expect(await rejectionOf(inviteCompanion(db(), c.asDoctor, c.appointment.id))).toMatchObject({ status: 403 });
  });
});
