/** Who may do what to hospital accounts: pure rules, checked by the account features. */
import type { Role } from "~/domain/vocabulary";
import { mayUseSecondFactor } from "~/features/auth/roles";

export type AccountActor = { id: string; role: Role; secondFactorVerified: boolean };
export type AccountTarget = { id: string; role: Role };

/** Accounts of people who may leave the hospital: an admin deactivates and reactivates them. */
export const DEACTIVATABLE_ROLES = ["doctor", "staff"] as const satisfies readonly Role[];

/**
 * Admins create doctor, staff and admin accounts. A new admin is as powerful as its creator, so only an
 * admin whose session proved a second factor may create one.
 */
export function mayCreateAccount(actor: AccountActor, role: Role): boolean {
  if (actor.role !== "admin" || role === "patient") return false;
  return role !== "admin" || actor.secondFactorVerified;
}

/** An admin deactivates or reactivates a doctor or staff account, never their own. */
export function mayChangeActivation(actor: AccountActor, target: AccountTarget): boolean {
  return (
    actor.role === "admin" && actor.id !== target.id && (DEACTIVATABLE_ROLES as readonly Role[]).includes(target.role)
  );
}

/**
 * An admin resets the second factor of someone who lost their phone and their recovery codes (they then
 * sign in with the password and set it up again). Their own goes through their account page.
 */
export function mayResetSecondFactor(actor: AccountActor, target: AccountTarget): boolean {
  return actor.role === "admin" && actor.id !== target.id && mayUseSecondFactor(target.role);
}

/**
 * An admin edits the hospital's accounts (a doctor's profile, a staff or admin account's name), their own
 * included. Patients keep their own accounts: an admin does not rewrite them.
 */
export function mayEditAccount(actor: AccountActor, target: AccountTarget): boolean {
  return actor.role === "admin" && target.role !== "patient";
}
