import { and, asc, eq, inArray, isNotNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, consultNotes, doctors, noteAddenda, users } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import { queueMessages } from "~/features/notifications/outbox.server";
import type { SessionUser } from "~/features/auth/session.server";
import { ConflictError, ForbiddenError, NotFoundError } from "~/utils/errors";
import { EMPTY_NOTE, NOTE_FIELDS, type NoteFields } from "./fields";
import { listParticipants } from "~/features/consultation/participants.server";

type Actor = Pick<SessionUser, "id" | "role">;
type Context = { clientAddress?: string | null; now?: Date };

export type NoteView = {
  fields: NoteFields;
  version: number;
  signedAt: string | null;
  addenda: { id: string; authorName: string; body: string; createdAt: string }[];
};

/** Only the appointment's own doctor may read or write its note. */
export async function assertNoteAuthor(db: Db, actor: Actor, appointmentId: string) {
  if (actor.role !== "doctor") throw new ForbiddenError();
  const [row] = await db
    .select({ doctorUserId: doctors.userId })
    .from(appointments)
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .where(eq(appointments.id, appointmentId));
  if (!row) throw new NotFoundError("error.appointmentNotFound");
  if (row.doctorUserId !== actor.id) throw new ForbiddenError();
}

function fieldsOf(row: NoteFields | undefined): NoteFields {
  if (!row) return { ...EMPTY_NOTE };
  return Object.fromEntries(NOTE_FIELDS.map((f) => [f, row[f]])) as NoteFields;
}

type AddendumView = NoteView["addenda"][number];

/** Addenda with their author's name, as the note shows them. */
async function readAddenda(db: Db, which: SQL): Promise<AddendumView[]> {
  const rows = await db
    .select({ id: noteAddenda.id, authorName: users.displayName, body: noteAddenda.body, createdAt: noteAddenda.createdAt })
    .from(noteAddenda)
    .innerJoin(users, eq(users.id, noteAddenda.authorId))
    .where(which)
    .orderBy(asc(noteAddenda.createdAt));
  return rows.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() }));
}

async function readNote(db: Db, appointmentId: string): Promise<NoteView> {
  const [note] = await db.select().from(consultNotes).where(eq(consultNotes.appointmentId, appointmentId));
  return {
    fields: fieldsOf(note),
    version: note?.version ?? 0,
    signedAt: note?.signedAt?.toISOString() ?? null,
    addenda: note ? await readAddenda(db, eq(noteAddenda.appointmentId, appointmentId)) : [],
  };
}

/** The note for its doctor (each opening is audited). Version 0 means nothing written yet. */
export async function openNote(db: Db, actor: Actor, appointmentId: string, context: Context = {}) {
  await assertNoteAuthor(db, actor, appointmentId);
  const view = await readNote(db, appointmentId);
  await recordAudit(db, {
    actorId: actor.id,
    actorRole: actor.role,
    action: "note.viewed",
    entityType: "consult_note",
    entityId: appointmentId,
    clientAddress: context.clientAddress,
  });
  return view;
}

/**
 * Saves the draft if nobody saved since `baseVersion` (optimistic concurrency). A stale save is refused
 * with the text that is now stored, so the page can show both and lose nothing; a signed note is refused.
 */
export async function saveNoteDraft(
  db: Db,
  actor: Actor,
  appointmentId: string,
  input: { fields: NoteFields; baseVersion: number },
  context: Context = {},
): Promise<{ version: number; savedAt: string }> {
  await assertNoteAuthor(db, actor, appointmentId);
  const now = context.now ?? new Date();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from ${appointments} where ${appointments.id} = ${appointmentId} for update`);
    const [current] = await tx.select().from(consultNotes).where(eq(consultNotes.appointmentId, appointmentId));
    if (current?.signedAt) throw new ConflictError("notes.alreadySigned");
    const currentVersion = current?.version ?? 0;
    if (currentVersion !== input.baseVersion) {
      throw new ConflictError("notes.stale", { current: { fields: fieldsOf(current), version: currentVersion } });
    }
    const version = currentVersion + 1;
    if (current) {
      await tx
        .update(consultNotes)
        .set({ ...input.fields, version, updatedAt: now })
        .where(eq(consultNotes.appointmentId, appointmentId));
    } else {
      await tx.insert(consultNotes).values({ appointmentId, authorId: actor.id, ...input.fields, version, updatedAt: now });
    }
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "note.edited",
      entityType: "consult_note",
      entityId: appointmentId,
      clientAddress: context.clientAddress,
      detail: { version },
    });
    return { version, savedAt: now.toISOString() };
  });
}

/** Signs exactly the version the doctor last saw; afterwards the note is locked. */
export async function signNote(db: Db, actor: Actor, appointmentId: string, baseVersion: number, context: Context = {}) {
  await assertNoteAuthor(db, actor, appointmentId);
  const now = context.now ?? new Date();
  await db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(consultNotes)
      .where(eq(consultNotes.appointmentId, appointmentId))
      .for("update");
    if (!current || NOTE_FIELDS.every((f) => !current[f].trim())) throw new ConflictError("notes.empty");
    if (current.signedAt) throw new ConflictError("notes.alreadySigned");
    if (current.version !== baseVersion) {
      throw new ConflictError("notes.stale", { current: { fields: fieldsOf(current), version: current.version } });
    }
    await tx
      .update(consultNotes)
      .set({ signedAt: now, signedBy: actor.id, updatedAt: now })
      .where(eq(consultNotes.appointmentId, appointmentId));
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "note.signed",
      entityType: "consult_note",
      entityId: appointmentId,
      clientAddress: context.clientAddress,
      detail: { version: current.version },
    });
    // "Your visit summary is ready", with the signature.
    await queueMessages(tx, appointmentId, [{ kind: "summary_ready", sendAt: now }]);
  });
}

/**
 * After signing, the note only grows by addenda: author, time, text. Answers the addendum as stored (its
 * id, and the time the database gave it), exactly as the note will show it when read again.
 */
export async function addAddendum(
  db: Db,
  actor: Actor,
  appointmentId: string,
  body: string,
  context: Context = {},
): Promise<AddendumView> {
  await assertNoteAuthor(db, actor, appointmentId);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ signedAt: consultNotes.signedAt })
      .from(consultNotes)
      .where(eq(consultNotes.appointmentId, appointmentId));
    if (!current?.signedAt) throw new ConflictError("notes.notSigned");
    const [inserted] = await tx
      .insert(noteAddenda)
      .values({ appointmentId, authorId: actor.id, body })
      .returning({ id: noteAddenda.id });
    const [stored] = await readAddenda(tx, eq(noteAddenda.id, inserted!.id));
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "note.amended",
      entityType: "consult_note",
      entityId: appointmentId,
      clientAddress: context.clientAddress,
    });
    return stored!;
  });
}

/** What the patient reads once the note is signed: diagnosis, plan and advice, and who else took part. */
export async function visitSummary(db: Db, appointmentId: string) {
  const [note] = await db
    .select({
      diagnosis: consultNotes.diagnosis,
      plan: consultNotes.plan,
      advice: consultNotes.advice,
      signedAt: consultNotes.signedAt,
    })
    .from(consultNotes)
    .where(eq(consultNotes.appointmentId, appointmentId));
  if (!note?.signedAt) return null;
  const tookPart = (await listParticipants(db, appointmentId)).filter((p) => p.tookPart);
  return { diagnosis: note.diagnosis, plan: note.plan, advice: note.advice, signedAt: note.signedAt.toISOString(), tookPart };
}

/** Which of these appointments have a signed note, that is a visit summary the patient may read. One query. */
export async function withSignedSummary(db: Db, appointmentIds: string[]): Promise<Set<string>> {
  if (appointmentIds.length === 0) return new Set();
  const rows = await db
    .select({ id: consultNotes.appointmentId })
    .from(consultNotes)
    .where(and(inArray(consultNotes.appointmentId, appointmentIds), isNotNull(consultNotes.signedAt)));
  return new Set(rows.map((r) => r.id));
}

/** For clinic staff: whether a note exists and is signed — never its text. */
export async function noteStatus(db: Db, appointmentId: string) {
  const [note] = await db
    .select({ signedAt: consultNotes.signedAt, updatedAt: consultNotes.updatedAt })
    .from(consultNotes)
    .where(eq(consultNotes.appointmentId, appointmentId));
  return { exists: Boolean(note), signedAt: note?.signedAt?.toISOString() ?? null };
}
