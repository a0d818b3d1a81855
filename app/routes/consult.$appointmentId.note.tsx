import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireRole } from "~/features/auth/guards.server";
import { addAddendum, assertNoteAuthor, saveNoteDraft, signNote } from "~/features/consult-notes/notes.server";
import { noteAction } from "~/features/consult-notes/schemas.server";
import { admitNext } from "~/features/consultation/room.server";
import { DomainError } from "~/utils/errors";
import { uuidParam } from "~/utils/route-params.server";

/**
 * Autosave, signing and addenda of a consult note (JSON answers for the notes panel); after a visit,
 * "Sign note and admit next" signs it and admits the next patient who is here (`admitNext`).
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requireRole(request, context, ["doctor"]);
  const id = uuidParam.safeParse(params.appointmentId);
  if (!id.success) return json({ error: "error.appointmentNotFound" }, { status: 404 });
  const ctx = { clientAddress: context.clientAddress };
  try {
    // Whose note it is comes first: someone else learns nothing, not even that their input was malformed.
    await assertNoteAuthor(context.db, user, id.data);
    const parsed = noteAction.safeParse(Object.fromEntries(await request.formData()));
    if (!parsed.success) {
      return json({ error: parsed.error.issues[0]?.message ?? "notes.tooLong" }, { status: 400 });
    }
    const input = parsed.data;
    switch (input.intent) {
      case "save": {
        const { intent: _intent, baseVersion, ...fields } = input;
        return json(await saveNoteDraft(context.db, user, id.data, { fields, baseVersion }, ctx));
      }
      case "sign": {
        const now = new Date();
        await signNote(context.db, user, id.data, input.baseVersion, { ...ctx, now });
        return json({ signedAt: now.toISOString() });
      }
      case "signAndAdmitNext": {
        // The note first: if it cannot be signed, nobody is admitted and the page keeps what was typed.
        const now = new Date();
        await signNote(context.db, user, id.data, input.baseVersion, { ...ctx, now });
        try {
          const { appointmentId } = await admitNext(context.db, user, ctx);
          return json({ signedAt: now.toISOString(), next: appointmentId });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          return json({ signedAt: now.toISOString(), next: null, notice: error.messageKey });
        }
      }
      case "addendum":
        return json({ addendum: await addAddendum(context.db, user, id.data, input.body, ctx) });
    }
  } catch (error) {
    if (error instanceof DomainError) {
      return json({ error: error.messageKey, ...(error.detail ?? {}) }, { status: error.status });
    }
    throw error;
  }
}
