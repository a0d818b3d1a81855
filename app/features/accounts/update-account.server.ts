import { eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { departments, doctors, users, type Bilingual } from "~db/schema";
import type { DoctorTitle, Role } from "~/domain/vocabulary";
import { recordAudit } from "~/features/audit/record-audit.server";
import { forgetCachedSessions } from "~/features/auth/session.server";
import { publish } from "~/features/live/publish.server";
import { ForbiddenError, InvalidRequestError, NotFoundError } from "~/utils/errors";
import { mayChangeActivation, mayEditAccount, type AccountActor } from "./account-rules";

/** What an admin may change of a doctor: the directory's card and profile. */
export type DoctorEdit = {
  nameZh: string;
  nameEn: string;
  departmentId: string;
  title: DoctorTitle;
  specialties: Bilingual[];
  languages: string[];
  bioZh: string;
  bioEn: string;
  defaultConsultationMinutes: number;
};

/** A doctor's edit, or a staff or admin account's name. */
export type AccountEdit = ({ kind: "doctor" } & DoctorEdit) | { kind: "person"; displayName: string };

export type EditableAccount = {
  id: string;
  email: string;
  role: Role;
  displayName: string;
  deactivatedAt: Date | null;
  doctor: (DoctorEdit & { id: string }) | null;
  mayChangeActivation: boolean;
};

/** The account an admin opens at /admin/users/:userId; 404 when there is none, 403 for a patient's. */
/** The doctor's columns an admin edits: read for the page and, under the lock, to see what changed. */
const EDITABLE_DOCTOR_COLUMNS = {
  nameZh: doctors.nameZh,
  nameEn: doctors.nameEn,
  departmentId: doctors.departmentId,
  title: doctors.title,
  specialties: doctors.specialties,
  languages: doctors.languages,
  bioZh: doctors.bioZh,
  bioEn: doctors.bioEn,
  defaultConsultationMinutes: doctors.defaultConsultationMinutes,
};

export async function readEditableAccount(db: Db, actor: AccountActor, userId: string): Promise<EditableAccount> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      role: users.role,
      displayName: users.displayName,
      deactivatedAt: users.deactivatedAt,
      doctor: { id: doctors.id, ...EDITABLE_DOCTOR_COLUMNS },
    })
    .from(users)
    .leftJoin(doctors, eq(doctors.userId, users.id))
    .where(eq(users.id, userId));
  if (!row) throw new NotFoundError();
  if (!mayEditAccount(actor, row)) throw new ForbiddenError();
  return { ...row, mayChangeActivation: mayChangeActivation(actor, row) };
}

/** The fields of a doctor's edit, in the form's order, compared as stored. */
const DOCTOR_FIELDS = [
  "nameZh",
  "nameEn",
  "departmentId",
  "title",
  "specialties",
  "languages",
  "bioZh",
  "bioEn",
  "defaultConsultationMinutes",
] as const satisfies readonly (keyof DoctorEdit)[];

/**
 * The names of the fields whose values differ: lists item by item, in order; objects by their keys
 * whatever their order (jsonb keeps a specialty's keys in its own order).
 */
export function changedFields<T extends Record<string, unknown>>(before: T, after: T, fields: readonly (keyof T & string)[]): string[] {
  return fields.filter((field) => canonical(before[field]) !== canonical(after[field]));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/**
 * An admin changes a hospital account: a doctor's names, department, title, specialties, languages,
 * biographies and consultation length, or a staff or admin account's name. One transaction: the change,
 * the `account.updated` audit row naming the fields that changed (never what was typed into them), and
 * a `user-changed` event, on which every instance drops its cached copies of the person's sessions (a
 * doctor's account name follows the Chinese name). The directory and profiles read doctors from the
 * database, so they show the change at their next request on every instance.
 * Returns the changed fields; nothing is written when none changed.
 */
export async function updateAccount(
  db: Db,
  actor: AccountActor,
  userId: string,
  edit: AccountEdit,
  clientAddress: string | null,
): Promise<{ changed: string[] }> {
  const changed = await db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: users.id, role: users.role, displayName: users.displayName })
      .from(users)
      .where(eq(users.id, userId))
      .for("update");
    if (!target) throw new NotFoundError();
    if (!mayEditAccount(actor, target)) throw new ForbiddenError();
    if ((target.role === "doctor") !== (edit.kind === "doctor")) throw new InvalidRequestError("error.form");

    let changed: string[];
    let displayName: string;
    if (edit.kind === "doctor") {
      const [current] = await tx
        .select(EDITABLE_DOCTOR_COLUMNS)
        .from(doctors)
        .where(eq(doctors.userId, target.id))
        .for("update");
      if (!current) throw new NotFoundError();
      const { kind: _kind, ...next } = edit;
      changed = changedFields(current, next, DOCTOR_FIELDS);
      if (changed.includes("departmentId")) {
        const [department] = await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, next.departmentId));
        if (!department) throw new InvalidRequestError("error.departmentRequired", { field: "departmentId" });
      }
      if (changed.length > 0) await tx.update(doctors).set({ ...next, updatedAt: new Date() }).where(eq(doctors.userId, target.id));
      // A doctor's account is called by the Chinese name (as when it was created).
      displayName = next.nameZh;
    } else {
      changed = target.displayName === edit.displayName ? [] : ["displayName"];
      displayName = edit.displayName;
    }
    if (changed.length === 0) return changed;
    if (displayName !== target.displayName) {
      await tx.update(users).set({ displayName, updatedAt: new Date() }).where(eq(users.id, target.id));
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "account.updated",
      entityType: "user",
      entityId: target.id,
      clientAddress,
      detail: { role: target.role, fields: changed },
    });
    await publish(tx, { kind: "user-changed", userId: target.id });
    return changed;
  });
  if (changed.length > 0) forgetCachedSessions(db, userId);
  return { changed };
}
