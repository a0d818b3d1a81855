import { describe, expect, it } from "vitest";
import { ageOn, isProfileComplete, mayViewPatientRecord } from "~/features/patient-record/record-policy";

describe("a patient's age on a day", () => {
  it("counts whole years, a year more from the birthday on", () => {
    expect(ageOn("1990-06-15", "2026-06-14")).toBe(35);
    expect(ageOn("1990-06-15", "2026-06-15")).toBe(36);
    expect(ageOn("1990-06-15", "2026-12-31")).toBe(36);
  });

  it("makes someone born on 29 February a year older on 1 March in other years", () => {
    expect(ageOn("2004-02-29", "2026-02-28")).toBe(21);
    expect(ageOn("2004-02-29", "2026-03-01")).toBe(22);
    expect(ageOn("2004-02-29", "2028-02-29")).toBe(24);
  });

  it("is 0 for a newborn and unknown for a day before the birth", () => {
    expect(ageOn("2026-12-01", "2026-12-01")).toBe(0);
    expect(ageOn("2026-12-02", "2026-12-01")).toBeNull();
  });
});

describe("who may read a patient's record in the room", () => {
  it("is the appointment's doctor, not the patient and not anyone else", () => {
    expect(mayViewPatientRecord("doctor")).toBe(true);
    expect(mayViewPatientRecord("patient")).toBe(false);
    expect(mayViewPatientRecord(null)).toBe(false);
  });
});

describe("a complete health profile", () => {
  it("has a date of birth, a sex, and allergies or 'none known'", () => {
    const full = { birthDate: "1990-01-01", sex: "female", allergies: null, noKnownAllergies: true };
    expect(isProfileComplete(full)).toBe(true);
    expect(isProfileComplete({ ...full, noKnownAllergies: false, allergies: "Peanuts" })).toBe(true);
    expect(isProfileComplete({ ...full, noKnownAllergies: false })).toBe(false);
    expect(isProfileComplete({ ...full, birthDate: null })).toBe(false);
    expect(isProfileComplete({ ...full, sex: null })).toBe(false);
  });
});
