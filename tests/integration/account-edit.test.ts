import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { doctors, users } from "~db/schema";
import { readEditableAccount, updateAccount, type DoctorEdit } from "~/features/accounts/update-account.server";
import { getDoctorProfile } from "~/features/directory/doctor-profile.server";
import { listDoctors } from "~/features/directory/list-doctors.server";
import type { LiveEvent } from "~/features/live/events";
import { LIVE_CHANNEL } from "~/features/live/publish.server";
import { ForbiddenError, InvalidRequestError, NotFoundError } from "~/utils/errors";
import { auditRowsFor, rejectionOf } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDepartment, makeDoctor, makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

const FROM = "198.51.100.7";
const admin = async () => ({ id: (await makeUser(db(), "admin")).id, role: "admin" as const, secondFactorVerified: true });

/** What an admin types for a doctor: every field new. */
const edit = (departmentId: string): DoctorEdit => ({
  nameZh: "王晓燕",
  nameEn: "Wang Xiaoyan",
  departmentId,
  title: "chief",
  specialties: [
    { zh: "睡眠呼吸暂停", en: "Sleep apnoea" },
    { zh: "慢性咳嗽", en: "Chronic cough" },
  ],
  languages: ["zh", "en", "yue"],
  bioZh: "从事呼吸内科临床工作二十年。",
  bioEn: "Twenty years of respiratory medicine.",
  defaultConsultationMinutes: 20,
});

/** The live events published while `run` runs (delivered at commit), after a moment for NOTIFY to arrive. */
async function heardDuring(run: () => Promise<unknown>): Promise<LiveEvent[]> {
  const heard: LiveEvent[] = [];
  const unlisten = await testDatabase.handle.listen(LIVE_CHANNEL, (payload) => heard.push(JSON.parse(payload) as LiveEvent));
  try {
    await run().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    await unlisten();
  }
  return heard;
}

describe("an admin editing a doctor's account", () => {
  it("changes the profile and the account's name, records which fields changed (not what was typed), announces the change, and the directory finds the new specialty", async () => {
    const actor = await admin();
    const doctor = await makeDoctor(db());
    const department = await makeDepartment(db());
    let result: { changed: string[] } | undefined;
    const heard = await heardDuring(async () => (result = await updateAccount(db(), actor, doctor.userId, { kind: "doctor", ...edit(department.id) }, FROM)));

    expect(result?.changed).toEqual(["nameZh", "nameEn", "departmentId", "title", "specialties", "languages", "bioZh", "bioEn", "defaultConsultationMinutes"]);
    const profile = await getDoctorProfile(db(), doctor.id);
    expect(profile).toMatchObject({
      nameZh: "王晓燕",
      nameEn: "Wang Xiaoyan",
      title: "chief",
      specialties: edit(department.id).specialties,
      languages: ["zh", "en", "yue"],
      bioEn: "Twenty years of respiratory medicine.",
      minutes: 20,
      department: { code: department.code },
    });
    const [user] = await db().select({ displayName: users.displayName }).from(users).where(eq(users.id, doctor.userId));
    expect(user?.displayName).toBe("王晓燕");
    expect((await listDoctors(db(), { query: "apnoea" })).doctors.map((d) => d.id)).toEqual([doctor.id]);
    expect((await listDoctors(db(), { query: "慢性咳嗽" })).doctors.map((d) => d.id)).toEqual([doctor.id]);

    const rows = await auditRowsFor(db(), [doctor.userId], "account.updated");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorId: actor.id,
      actorRole: "admin",
      entityType: "user",
      entityId: doctor.userId,
      clientAddress: FROM,
      detail: { role: "doctor", fields: result?.changed },
    });
    const text = JSON.stringify(rows[0]);
    for (const typed of ["王晓燕", "Wang Xiaoyan", "apnoea", "Twenty years"]) expect(text).not.toContain(typed);
    expect(heard).toContainEqual({ kind: "user-changed", userId: doctor.userId });
  });

  it("names only the fields that changed, and writes and announces nothing when none did", async () => {
    const actor = await admin();
    const doctor = await makeDoctor(db());
    const first = edit(doctor.departmentId);
    await updateAccount(db(), actor, doctor.userId, { kind: "doctor", ...first }, FROM);
    // The same again: the specialties come back from jsonb with their keys in another order ({en, zh}).
    const same = { ...first, specialties: first.specialties.map((s) => ({ zh: s.zh, en: s.en })) };
    let result: { changed: string[] } | undefined;
    const heard = await heardDuring(async () => (result = await updateAccount(db(), actor, doctor.userId, { kind: "doctor", ...same }, FROM)));
    expect(result?.changed).toEqual([]);
    expect(heard.filter((e) => e.kind === "user-changed" && e.userId === doctor.userId)).toEqual([]);
    await updateAccount(db(), actor, doctor.userId, { kind: "doctor", ...first, bioEn: "Changed.", defaultConsultationMinutes: 30 }, FROM);
    const rows = await auditRowsFor(db(), [doctor.userId], "account.updated");
    expect(rows.map((r) => (r.detail as { fields: string[] }).fields)).toEqual([
      ["nameZh", "nameEn", "title", "specialties", "languages", "bioZh", "bioEn", "defaultConsultationMinutes"],
      ["bioEn", "defaultConsultationMinutes"],
    ]);
  });

  it("rolls the change back, and announces nothing, when its audit row cannot be written", async () => {
    const actor = await admin();
    const doctor = await makeDoctor(db(), { nameEn: "Before Edit" });
    await db().execute(
      sql.raw(`create function edit_test_refuse_audit() returns trigger language plpgsql as $$
        begin
          if new.entity_id = '${doctor.userId}' then raise exception 'audit refused by the test'; end if;
          return new;
        end $$`),
    );
    await db().execute(sql.raw(`create trigger edit_test_refuse_audit before insert on audit_events for each row execute function edit_test_refuse_audit()`));
    let error: unknown;
    let heard: LiveEvent[];
    try {
      heard = await heardDuring(async () => {
        error = await rejectionOf(updateAccount(db(), actor, doctor.userId, { kind: "doctor", ...edit(doctor.departmentId) }, FROM));
      });
    } finally {
      await db().execute(sql.raw(`drop trigger edit_test_refuse_audit on audit_events`));
      await db().execute(sql.raw(`drop function edit_test_refuse_audit()`));
    }
    expect(String((error as { cause?: unknown }).cause ?? error)).toContain("audit refused by the test");
    const [row] = await db().select({ nameEn: doctors.nameEn, title: doctors.title }).from(doctors).where(eq(doctors.id, doctor.id));
    expect(row).toEqual({ nameEn: "Before Edit", title: "attending" });
    const [user] = await db().select({ displayName: users.displayName }).from(users).where(eq(users.id, doctor.userId));
    expect(user?.displayName).toBe("Before Edit");
    expect(heard.filter((e) => e.kind === "user-changed" && e.userId === doctor.userId)).toEqual([]);
  });

  it("refuses a department that does not exist, beside its field, and changes nothing", async () => {
    const actor = await admin();
    const doctor = await makeDoctor(db(), { nameEn: "Kept Name" });
    const error = await rejectionOf(
      updateAccount(db(), actor, doctor.userId, { kind: "doctor", ...edit("00000000-0000-4000-8000-000000000000") }, FROM),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ messageKey: "error.departmentRequired", detail: { field: "departmentId" } });
    expect((await getDoctorProfile(db(), doctor.id)).nameEn).toBe("Kept Name");
  });
});

describe("an admin editing a staff or admin account, or trying others", () => {
  it("renames a staff account, audited; refuses a patient's account (403), an unknown one (404), and a doctor's edit of a staff account", async () => {
    const actor = await admin();
    const staff = await makeUser(db(), "staff");
    expect(await updateAccount(db(), actor, staff.id, { kind: "person", displayName: "Nurse Renamed" }, FROM)).toEqual({ changed: ["displayName"] });
    expect((await readEditableAccount(db(), actor, staff.id)).displayName).toBe("Nurse Renamed");
    expect((await auditRowsFor(db(), [staff.id], "account.updated"))[0]?.detail).toEqual({ role: "staff", fields: ["displayName"] });

    const patient = await makeUser(db(), "patient");
    expect(await rejectionOf(updateAccount(db(), actor, patient.id, { kind: "person", displayName: "X" }, FROM))).toBeInstanceOf(ForbiddenError);
    expect(await rejectionOf(readEditableAccount(db(), actor, patient.id))).toBeInstanceOf(ForbiddenError);
    const ghost = crypto.randomUUID();
    expect(await rejectionOf(updateAccount(db(), actor, ghost, { kind: "person", displayName: "X" }, FROM))).toBeInstanceOf(NotFoundError);
    expect(await rejectionOf(readEditableAccount(db(), actor, ghost))).toBeInstanceOf(NotFoundError);
    const department = await makeDepartment(db());
    expect(await rejectionOf(updateAccount(db(), actor, staff.id, { kind: "doctor", ...edit(department.id) }, FROM))).toBeInstanceOf(InvalidRequestError);
    const notAdmin = { id: staff.id, role: "staff" as const, secondFactorVerified: false };
    expect(await rejectionOf(updateAccount(db(), notAdmin, staff.id, { kind: "person", displayName: "Self" }, FROM))).toBeInstanceOf(ForbiddenError);
    expect((await readEditableAccount(db(), actor, staff.id)).displayName).toBe("Nurse Renamed");
  });
});
