/** The parts of a consult note, in the order the doctor writes them. */
export const NOTE_FIELDS = ["subjective", "objective", "assessment", "plan", "diagnosis", "advice"] as const;
export type NoteField = (typeof NOTE_FIELDS)[number];
export type NoteFields = Record<NoteField, string>;
export const NOTE_FIELD_MAX = 10_000;
export const ADDENDUM_MAX = 5_000;

export const EMPTY_NOTE: NoteFields = { subjective: "", objective: "", assessment: "", plan: "", diagnosis: "", advice: "" };
