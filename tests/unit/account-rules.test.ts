import { describe, expect, it } from "vitest";
import { mayChangeActivation, mayCreateAccount, mayEditAccount, mayResetSecondFactor } from "~/features/accounts/account-rules";
import { mayUseSecondFactor, secondFactorRequired } from "~/features/auth/roles";

const admin = { id: "a", role: "admin" as const, secondFactorVerified: true };
const adminWithoutSecondFactor = { ...admin, secondFactorVerified: false };
const staff = { id: "s", role: "staff" as const, secondFactorVerified: false };

describe("creating hospital accounts", () => {
  it("is for admins; a new admin only by an admin whose session proved a second factor", () => {
    expect(mayCreateAccount(admin, "doctor")).toBe(true);
    expect(mayCreateAccount(admin, "staff")).toBe(true);
    expect(mayCreateAccount(admin, "admin")).toBe(true);
    expect(mayCreateAccount(adminWithoutSecondFactor, "staff")).toBe(true);
    expect(mayCreateAccount(adminWithoutSecondFactor, "admin")).toBe(false);
    expect(mayCreateAccount(staff, "staff")).toBe(false);
    expect(mayCreateAccount(admin, "patient")).toBe(false);
  });
});

describe("deactivating accounts", () => {
  it("is an admin's, for doctor and staff accounts only, never their own", () => {
    expect(mayChangeActivation(admin, { id: "d", role: "doctor" })).toBe(true);
    expect(mayChangeActivation(admin, { id: "s", role: "staff" })).toBe(true);
    expect(mayChangeActivation(admin, { id: "b", role: "admin" })).toBe(false);
    expect(mayChangeActivation(admin, { id: "p", role: "patient" })).toBe(false);
    expect(mayChangeActivation(admin, { id: "a", role: "staff" })).toBe(false);
    expect(mayChangeActivation(staff, { id: "d", role: "doctor" })).toBe(false);
  });
});

describe("editing accounts", () => {
  it("is an admin's, for doctor, staff and admin accounts (their own included), never a patient's", () => {
    expect(mayEditAccount(admin, { id: "d", role: "doctor" })).toBe(true);
    expect(mayEditAccount(admin, { id: "s", role: "staff" })).toBe(true);
    expect(mayEditAccount(admin, { id: "b", role: "admin" })).toBe(true);
    expect(mayEditAccount(admin, { id: "a", role: "admin" })).toBe(true);
    expect(mayEditAccount(admin, { id: "p", role: "patient" })).toBe(false);
    expect(mayEditAccount(staff, { id: "d", role: "doctor" })).toBe(false);
    expect(mayEditAccount({ id: "d", role: "doctor", secondFactorVerified: true }, { id: "d", role: "doctor" })).toBe(false);
  });
});

describe("second factors", () => {
  it("are for admins and doctors, required for admins", () => {
    expect(["patient", "doctor", "staff", "admin"].map((r) => mayUseSecondFactor(r as never))).toEqual([false, true, false, true]);
    expect(["patient", "doctor", "staff", "admin"].map((r) => secondFactorRequired(r as never))).toEqual([false, false, false, true]);
  });

  it("may be reset by an admin for another admin or a doctor, not for themselves", () => {
    expect(mayResetSecondFactor(admin, { id: "d", role: "doctor" })).toBe(true);
    expect(mayResetSecondFactor(admin, { id: "b", role: "admin" })).toBe(true);
    expect(mayResetSecondFactor(admin, { id: "a", role: "admin" })).toBe(false);
    expect(mayResetSecondFactor(admin, { id: "s", role: "staff" })).toBe(false);
    expect(mayResetSecondFactor(staff, { id: "d", role: "doctor" })).toBe(false);
  });
});
