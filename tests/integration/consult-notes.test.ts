import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, consultNotes, noteAddenda, users } from "~db/schema";
import { EMPTY_NOTE, type NoteFields } from "~/features/consult-notes/fields";
import {
  addAddendum,
  noteStatus,
  openNote,
  saveNoteDraft,
  signNote,
  visitSummary,
} from "~/features/consult-notes/notes.server";
import { sqlState } from "~/utils/db-errors.server";
import { ConflictError, type DomainError, ForbiddenError, NotFoundError } from "~/utils/errors";
import { at } from "../helpers/booking";
import { type Actor, auditRowsFor, makeConsultation, rejectionOf, settle } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

const NOW = at("09:20");

// Distinctive words, so that any leak of note text into the audit trail is easy to spot.
const FIRST: NoteFields = {
  subjective: "Kumquat-coloured rash since Tuesday",
  objective: "Temperature 38.4, pharynx xylophonic",
  assessment: "Probable zanzibarite dermatitis",
  plan: "Quillwort ointment twice daily",
  diagnosis: "Zanzibarite dermatitis",
  advice: "Avoid marmalade jars; return if feverish",
};
const SECOND: NoteFields = { ...FIRST, assessment: "Zanzibarite dermatitis, improving", plan: "Quillwort ointment, then taper" };
const ADDENDUM = "Patient phoned: the periwinkle spots have faded";
const TYPED_WORDS = ["Kumquat", "xylophonic", "zanzibarite", "Quillwort", "marmalade", "improving", "taper", "periwinkle"];

const save = (actor: Actor, appointmentId: string, fields: NoteFields, baseVersion: number) =>
  saveNoteDraft(db(), actor, appointmentId, { fields, baseVersion }, { now: NOW });

const storedNote = async (appointmentId: string) =>
  (await db().select().from(consultNotes).where(eq(consultNotes.appointmentId, appointmentId)))[0];

async function expectDomainError(
  promise: Promise<unknown>,
  type: new (...args: never[]) => DomainError,
  messageKey?: string,
) {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(type);
  if (messageKey) expect((error as DomainError).messageKey).toBe(messageKey);
  return error as DomainError;
}

describe("drafts", () => {
  it("are saved version by version and read back by the doctor", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    expect(await openNote(db(), asDoctor, appointment.id)).toEqual({ fields: EMPTY_NOTE, version: 0, signedAt: null, addenda: [] });

    expect(await save(asDoctor, appointment.id, FIRST, 0)).toEqual({ version: 1, savedAt: NOW.toISOString() });
    expect(await openNote(db(), asDoctor, appointment.id)).toMatchObject({ fields: FIRST, version: 1, signedAt: null });
    expect(await save(asDoctor, appointment.id, SECOND, 1)).toEqual({ version: 2, savedAt: NOW.toISOString() });
    expect(await openNote(db(), asDoctor, appointment.id)).toEqual({ fields: SECOND, version: 2, signedAt: null, addenda: [] });
    expect(await storedNote(appointment.id)).toMatchObject({ ...SECOND, version: 2, authorId: asDoctor.id, updatedAt: NOW, signedAt: null });
  });

  it("refuses a save from a stale version, returning the stored text and changing nothing", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    await save(asDoctor, appointment.id, FIRST, 0);
    await save(asDoctor, appointment.id, SECOND, 1);
    const edits = (await auditRowsFor(db(), [appointment.id], "note.edited")).length;

    const mine: NoteFields = { ...FIRST, plan: "Written in another tab" };
    for (const baseVersion of [1, 0, 3]) {
      const error = await expectDomainError(save(asDoctor, appointment.id, mine, baseVersion), ConflictError, "notes.stale");
      expect(error.status).toBe(409);
      expect(error.detail).toEqual({ current: { fields: SECOND, version: 2 } });
    }
    expect(await storedNote(appointment.id)).toMatchObject({ ...SECOND, version: 2 });
    expect(await auditRowsFor(db(), [appointment.id], "note.edited")).toHaveLength(edits);
  });

  it("refuses a first save that claims a version nobody wrote", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    const error = await expectDomainError(save(asDoctor, appointment.id, FIRST, 1), ConflictError, "notes.stale");
    expect(error.detail).toEqual({ current: { fields: EMPTY_NOTE, version: 0 } });
    expect(await storedNote(appointment.id)).toBeUndefined();
  });

  it("lets exactly one of two concurrent saves from the same version win", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    const tabA: NoteFields = { ...FIRST, plan: "From tab A" };
    const tabB: NoteFields = { ...FIRST, plan: "From tab B" };

    // The very first save (nothing stored yet) and a later one (a row to update).
    for (const base of [0, 1]) {
      const results = await Promise.all([settle(save(asDoctor, appointment.id, tabA, base)), settle(save(asDoctor, appointment.id, tabB, base))]);
      const winners = results.filter((r) => r.ok);
      const losers = results.filter((r) => !r.ok);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect((winners[0] as { value: { version: number } }).value.version).toBe(base + 1);
      const loss = (losers[0] as { error: unknown }).error;
      expect(loss).toBeInstanceOf(ConflictError);
      expect((loss as ConflictError).messageKey).toBe("notes.stale");
      const stored = await storedNote(appointment.id);
      expect(stored?.version).toBe(base + 1);
      // What is stored is the winner's text, and the loser was told exactly that.
      expect((loss as ConflictError).detail).toEqual({ current: { fields: expect.objectContaining({ plan: stored?.plan }), version: base + 1 } });
      expect(results[0]!.ok ? "From tab A" : "From tab B").toBe(stored?.plan);
    }
    expect(await auditRowsFor(db(), [appointment.id], "note.edited")).toHaveLength(2);
  });

  it("lets exactly one of many concurrent saves win", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    await save(asDoctor, appointment.id, FIRST, 0);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => settle(save(asDoctor, appointment.id, { ...FIRST, plan: `Tab ${i}` }, 1))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await storedNote(appointment.id))?.version).toBe(2);
  });
});

describe("signing", () => {
  it("locks the note: later saves and signatures are refused and the text stays as signed", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    await save(asDoctor, appointment.id, FIRST, 0);
    await signNote(db(), asDoctor, appointment.id, 1, { now: at("09:30") });
    expect(await storedNote(appointment.id)).toMatchObject({ ...FIRST, version: 1, signedAt: at("09:30"), signedBy: asDoctor.id });
    expect((await openNote(db(), asDoctor, appointment.id)).signedAt).toBe(at("09:30").toISOString());

    for (const base of [1, 0, 2]) {
      await expectDomainError(save(asDoctor, appointment.id, SECOND, base), ConflictError, "notes.alreadySigned");
    }
    await expectDomainError(signNote(db(), asDoctor, appointment.id, 1, { now: at("09:40") }), ConflictError, "notes.alreadySigned");
    expect(await storedNote(appointment.id)).toMatchObject({ ...FIRST, version: 1, signedAt: at("09:30") });
  });

  it("signs only the version the doctor last saw", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    await save(asDoctor, appointment.id, FIRST, 0);
    await save(asDoctor, appointment.id, SECOND, 1);
    const error = await expectDomainError(signNote(db(), asDoctor, appointment.id, 1, { now: NOW }), ConflictError, "notes.stale");
    expect(error.detail).toEqual({ current: { fields: SECOND, version: 2 } });
    expect((await storedNote(appointment.id))?.signedAt).toBeNull();
    expect(await auditRowsFor(db(), [appointment.id], "note.signed")).toHaveLength(0);
    await signNote(db(), asDoctor, appointment.id, 2, { now: NOW });
    expect((await storedNote(appointment.id))?.signedAt).toEqual(NOW);
  });

  it("refuses to sign a note that was never written", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    for (const base of [0, 1]) {
      await expectDomainError(signNote(db(), asDoctor, appointment.id, base, { now: NOW }), ConflictError, "notes.empty");
    }
    expect(await storedNote(appointment.id)).toBeUndefined();
    expect(await auditRowsFor(db(), [appointment.id], "note.signed")).toHaveLength(0);
  });

  it("refuses to sign a note saved with nothing written in it", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    await save(asDoctor, appointment.id, { ...EMPTY_NOTE, plan: "   " }, 0);
    const outcome = await settle(signNote(db(), asDoctor, appointment.id, 1, { now: NOW }));
    expect((await storedNote(appointment.id))?.signedAt).toBeNull();
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: DomainError }).error.messageKey).toBe("notes.empty");
  });
});

describe("addenda", () => {
  it("are accepted only after signing, and stored with their author", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    const [{ doctorName }] = (await db()
      .select({ doctorName: users.displayName })
      .from(users)
      .where(eq(users.id, asDoctor.id))) as [{ doctorName: string }];
    await expectDomainError(addAddendum(db(), asDoctor, appointment.id, ADDENDUM), ConflictError, "notes.notSigned");
    await save(asDoctor, appointment.id, FIRST, 0);
    await expectDomainError(addAddendum(db(), asDoctor, appointment.id, ADDENDUM), ConflictError, "notes.notSigned");
    expect(await db().select().from(noteAddenda).where(eq(noteAddenda.appointmentId, appointment.id))).toEqual([]);

    await signNote(db(), asDoctor, appointment.id, 1, { now: NOW });
    await addAddendum(db(), asDoctor, appointment.id, ADDENDUM);
    await addAddendum(db(), asDoctor, appointment.id, "Second thought");

    const rows = await db().select().from(noteAddenda).where(eq(noteAddenda.appointmentId, appointment.id));
    expect(rows.map((r) => ({ authorId: r.authorId, body: r.body })).sort((a, b) => a.body.localeCompare(b.body))).toEqual([
      { authorId: asDoctor.id, body: ADDENDUM },
      { authorId: asDoctor.id, body: "Second thought" },
    ]);
    const view = await openNote(db(), asDoctor, appointment.id);
    expect(view.addenda.map((a) => ({ authorName: a.authorName, body: a.body }))).toEqual([
      { authorName: doctorName, body: ADDENDUM },
      { authorName: doctorName, body: "Second thought" },
    ]);
    // The signed text itself is untouched by addenda.
    expect(view).toMatchObject({ fields: FIRST, version: 1 });
  });

  it("answer with the addendum as stored: the database row's id and time, as the note shows it when read again", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    await save(asDoctor, appointment.id, FIRST, 0);
    await signNote(db(), asDoctor, appointment.id, 1, { now: NOW });

    const answered = await addAddendum(db(), asDoctor, appointment.id, ADDENDUM);

    const [row] = await db().select().from(noteAddenda).where(eq(noteAddenda.appointmentId, appointment.id));
    expect(answered.id).toBe(row!.id);
    expect(answered.createdAt).toBe(row!.createdAt.toISOString());
    expect(answered.body).toBe(row!.body);
    expect((await openNote(db(), asDoctor, appointment.id)).addenda).toEqual([answered]);
  });
});

describe("what the patient and the clinic see", () => {
  it("gives the patient a visit summary only once the note is signed: diagnosis, plan and advice", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    expect(await visitSummary(db(), appointment.id)).toBeNull();
    await save(asDoctor, appointment.id, FIRST, 0);
    expect(await visitSummary(db(), appointment.id)).toBeNull();
    await signNote(db(), asDoctor, appointment.id, 1, { now: NOW });
    expect(await visitSummary(db(), appointment.id)).toEqual({
      diagnosis: FIRST.diagnosis,
      plan: FIRST.plan,
      advice: FIRST.advice,
      signedAt: NOW.toISOString(),
      // Nobody else took part in this one (participants.test.ts has a visit with a colleague).
      tookPart: [],
    });
  });

  it("tells staff whether a note exists and is signed, and nothing of its text", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    expect(await noteStatus(db(), appointment.id)).toEqual({ exists: false, signedAt: null });
    await save(asDoctor, appointment.id, FIRST, 0);
    expect(await noteStatus(db(), appointment.id)).toEqual({ exists: true, signedAt: null });
    await signNote(db(), asDoctor, appointment.id, 1, { now: NOW });
    const status = await noteStatus(db(), appointment.id);
    expect(status).toEqual({ exists: true, signedAt: NOW.toISOString() });
    expect(Object.keys(status).sort()).toEqual(["exists", "signedAt"]);
    for (const word of TYPED_WORDS) expect(JSON.stringify(status).toLowerCase()).not.toContain(word.toLowerCase());
  });
});

describe("who may read and write the note", () => {
  it("is only the appointment's own doctor", async () => {
    const { appointment, asDoctor, asPatient } = await makeConsultation(db());
    await save(asDoctor, appointment.id, FIRST, 0);
    const before = await auditRowsFor(db(), [appointment.id]);
    const outsiders: [string, Actor][] = [
      ["another doctor", { id: (await makeDoctor(db())).userId, role: "doctor" }],
      ["the patient", asPatient],
      ["staff", { id: (await makeUser(db(), "staff")).id, role: "staff" }],
      ["an admin", { id: (await makeUser(db(), "admin")).id, role: "admin" }],
      ["the doctor's user id under another role", { id: asDoctor.id, role: "staff" }],
    ];
    for (const [label, actor] of outsiders) {
      for (const attempt of [
        () => openNote(db(), actor, appointment.id),
        () => save(actor, appointment.id, SECOND, 1),
        () => signNote(db(), actor, appointment.id, 1),
        () => addAddendum(db(), actor, appointment.id, ADDENDUM),
      ]) {
        const error = await rejectionOf(attempt());
        expect(error, label).toBeInstanceOf(ForbiddenError);
        expect((error as DomainError).status, label).toBe(403);
      }
    }
    expect(await storedNote(appointment.id)).toMatchObject({ ...FIRST, version: 1, signedAt: null });
    expect(await auditRowsFor(db(), [appointment.id])).toEqual(before);
  });

  it("is nobody for an appointment that does not exist", async () => {
    const doctor = await makeDoctor(db());
    const missing = crypto.randomUUID();
    await expectDomainError(openNote(db(), { id: doctor.userId, role: "doctor" }, missing), NotFoundError);
    await expectDomainError(save({ id: doctor.userId, role: "doctor" }, missing, FIRST, 0), NotFoundError);
  });
});

describe("audit of the note", () => {
  it("records viewing, editing, signing and amending, with the actor, and never the note's text", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    const context = { now: NOW, clientAddress: "192.0.2.10" };
    await openNote(db(), asDoctor, appointment.id, context);
    await saveNoteDraft(db(), asDoctor, appointment.id, { fields: FIRST, baseVersion: 0 }, context);
    await saveNoteDraft(db(), asDoctor, appointment.id, { fields: SECOND, baseVersion: 1 }, context);
    await rejectionOf(saveNoteDraft(db(), asDoctor, appointment.id, { fields: FIRST, baseVersion: 1 }, context));
    await signNote(db(), asDoctor, appointment.id, 2, context);
    await addAddendum(db(), asDoctor, appointment.id, ADDENDUM, context);
    await openNote(db(), asDoctor, appointment.id, context);

    const rows = await auditRowsFor(db(), [appointment.id]);
    expect(rows.map((r) => [r.action, r.detail])).toEqual([
      ["note.viewed", {}],
      ["note.edited", { version: 1 }],
      ["note.edited", { version: 2 }],
      ["note.signed", { version: 2 }],
      ["note.amended", {}],
      ["note.viewed", {}],
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ actorId: asDoctor.id, entityType: "consult_note", entityId: appointment.id, clientAddress: "192.0.2.10" });
      const serialized = JSON.stringify(row).toLowerCase();
      for (const word of TYPED_WORDS) expect(serialized).not.toContain(word.toLowerCase());
    }
  });
});

describe("the audit table", () => {
  it("is append-only: the database refuses UPDATE, DELETE and TRUNCATE, and the rows stay", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    await openNote(db(), asDoctor, appointment.id);
    await save(asDoctor, appointment.id, FIRST, 0);
    const before = await auditRowsFor(db(), [appointment.id]);
    expect(before).toHaveLength(2);
    const ids = before.map((r) => r.id);

    const attempts = [
      db().update(auditEvents).set({ action: "note.viewed", detail: { tampered: true } }).where(inArray(auditEvents.id, ids)),
      db().update(auditEvents).set({ actorId: null }).where(eq(auditEvents.id, ids[0]!)),
      db().delete(auditEvents).where(inArray(auditEvents.id, ids)),
      db().delete(auditEvents).where(eq(auditEvents.entityId, appointment.id)),
      db().execute(sql`truncate audit_events`),
    ];
    for (const attempt of attempts) {
      const error = await rejectionOf(attempt);
      // Raised by the trigger (insufficient_privilege, with its message), not by a missing grant.
      expect(sqlState(error)).toBe("42501");
      const message = String((error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message);
      expect(message).toMatch(/audit_events is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed/);
    }
    expect(await auditRowsFor(db(), [appointment.id])).toEqual(before);
  });
});
