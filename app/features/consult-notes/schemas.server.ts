import { z } from "zod";
import { JOIN_MODES } from "~/domain/vocabulary";
import { ADDENDUM_MAX, NOTE_FIELD_MAX } from "./fields";

const text = z.string({ error: "notes.tooLong" }).max(NOTE_FIELD_MAX, { error: "notes.tooLong" }).default("");
const version = z.coerce.number().int().min(0).max(1_000_000);

export const noteAction = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("save"),
    baseVersion: version,
    subjective: text,
    objective: text,
    assessment: text,
    plan: text,
    diagnosis: text,
    advice: text,
  }),
  z.object({ intent: z.literal("sign"), baseVersion: version }),
  z.object({ intent: z.literal("signAndAdmitNext"), baseVersion: version }),
  z.object({ intent: z.literal("addendum"), body: z.string().trim().min(1).max(ADDENDUM_MAX, { error: "notes.tooLong" }) }),
]);

export const roomAction = z.object({
  intent: z.enum(["checkIn", "admit", "end", "noShow"]),
  /** "Admit" after the warning that the patient is not on the page. */
  confirmAway: z.literal("1").optional(),
  /** Checking in: how the patient joins, when their device cannot by video. */
  joinMode: z.enum(JOIN_MODES).optional(),
});

/** Who takes part: the doctor invites a colleague, admits or removes a participant; the patient invites a companion. */
export const participantAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("inviteColleague"), doctorId: z.uuid() }),
  z.object({ intent: z.literal("inviteCompanion") }),
  z.object({ intent: z.enum(["admitParticipant", "removeParticipant"]), participantId: z.uuid() }),
]);

/** The doctor's Today's one action: admit the next patient who is here. */
export const todayAction = z.object({ intent: z.literal("admitNext") });
