import type { Db } from "~db/client.server";
import { doctors, passwords, users, type Bilingual } from "~db/schema";
import type { DoctorTitle, Locale, Role } from "~/domain/vocabulary";
import { recordAudit } from "~/features/audit/record-audit.server";
import { hashPassword } from "~/features/auth/password.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { isUniqueViolation } from "~/utils/db-errors.server";

export class EmailTakenError extends Error {
  override name = "EmailTakenError";
}

export type NewAccount = {
  email: string;
  password: string;
  /** The password's hash when already computed (the demo hospital's accounts share one password and one hash). */
  passwordHash?: string;
  displayName: string;
  role: Role;
  locale?: Locale | null;
  timeZone?: string;
};

export type NewDoctorProfile = {
  departmentId: string;
  nameZh: string;
  nameEn: string;
  title: DoctorTitle;
  specialties?: Bilingual[];
  languages?: string[];
  bioZh?: string;
  bioEn?: string;
  defaultConsultationMinutes?: number;
};

/**
 * Who made an account, for the audit trail: an admin (`actorId`), `create-admin` (no actor), or the
 * person themselves at registration (`"self"`).
 */
export type AccountCreation = {
  actorId: string | null | "self";
  clientAddress?: string | null;
  via: "admin_users" | "create_admin" | "registration";
};

/**
 * Creates a user with a password (and, for a doctor, the doctor's profile) in one transaction; with
 * `audit`, the `account.created` event (the new account's id and role, who made it) in the same one.
 * Throws `EmailTakenError` when the email is already used, whatever its letter case.
 */
export async function createAccount(
  db: Db,
  account: NewAccount,
  doctorProfile?: NewDoctorProfile,
  audit?: AccountCreation,
): Promise<{ userId: string; doctorId: string | null }> {
  if ((account.role === "doctor") !== Boolean(doctorProfile)) {
    throw new Error("a doctor account needs a doctor profile, and only a doctor account has one");
  }
  const passwordHash = account.passwordHash ?? (await hashPassword(account.password));
  // Until the person picks one, their times are shown in the clinic's zone.
  const timeZone = account.timeZone ?? (await getClinicSettings(db)).timeZone;
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          email: account.email.trim(),
          displayName: account.displayName.trim(),
          role: account.role,
          locale: account.locale ?? null,
          timeZone,
        })
        .returning({ id: users.id });
      if (!user) throw new Error("insert returned no user");
      await tx.insert(passwords).values({ userId: user.id, hash: passwordHash });
      const [doctor] = doctorProfile
        ? await tx
            .insert(doctors)
            .values({ userId: user.id, ...doctorProfile })
            .returning({ id: doctors.id })
        : [];
      if (audit) {
        const self = audit.actorId === "self";
        await recordAudit(tx, {
          actorId: self ? user.id : audit.actorId,
          ...(self ? { actorRole: account.role } : {}),
          action: "account.created",
          entityType: "user",
          entityId: user.id,
          clientAddress: audit.clientAddress ?? null,
          detail: { role: account.role, via: audit.via },
        });
      }
      return { userId: user.id, doctorId: doctor?.id ?? null };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_lower_key")) throw new EmailTakenError(account.email);
    throw error;
  }
}
