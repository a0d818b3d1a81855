import type { Participant } from "~/features/live/events";

/**
 * A patient's record (profile and earlier visits) is for the doctor of an appointment of theirs: not the
 * patient's other doctors through this page, not clinic staff, not the patient through the room.
 */
export function mayViewPatientRecord(roleInRoom: Participant | null): boolean {
  return roleInRoom === "doctor";
}

/**
 * Whole years between a date of birth and a day (both `YYYY-MM-DD`, the clinic's calendar). Someone born
 * on 29 February turns a year older on 1 March in other years. Null for a day before the birth.
 */
export function ageOn(birthDate: string, day: string): number | null {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  return age < 0 ? null : age;
}

/** Whether a patient has told their doctors everything the profile asks (allergies: some, or none known). */
export function isProfileComplete(profile: { birthDate: string | null; sex: string | null; allergies: string | null; noKnownAllergies: boolean }): boolean {
  return Boolean(profile.birthDate && profile.sex && (profile.allergies || profile.noKnownAllergies));
}
