import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseRoleError, openDatabase, type DatabaseHandle } from "~db/client.server";
import { recordAudit } from "~/features/audit/record-audit.server";
import { verifyAuditChain } from "~/features/audit/verify-chain.server";
import { bookAppointment } from "~/features/booking/book-appointment.server";
import { at, giveHours, NOW } from "../helpers/booking";
import { makeDoctor, makeUser } from "../helpers/factories";
import { client } from "../helpers/http";
import { demoAdmin } from "../helpers/second-factor";
import { startServer, type RunningServer } from "../helpers/server";

// The hospital's setup from the README: an owner role that applies the migrations, and the app's own
// role, which owns nothing. Both are created here (with a database of their own) and dropped afterwards.
const run = promisify(execFile);
const suffix = randomBytes(4).toString("hex");
const OWNER = `yz_owner_${suffix}`;
const APP = `yz_app_${suffix}`;
const DATABASE = `yz_roles_${suffix}`;
const urlFor = (role: string) => {
  const url = new URL(process.env.DATABASE_URL!);
  url.username = role;
  url.pathname = `/${DATABASE}`;
  return url.toString();
};
const OWNER_URL = urlFor(OWNER);
const APP_URL = urlFor(APP);

let superuser: postgres.Sql;
let server: RunningServer;
let asApp: postgres.Sql;
let asOwner: postgres.Sql;

beforeAll(async () => {
  superuser = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  await superuser.unsafe(`create role ${OWNER} login`);
  await superuser.unsafe(`create role ${APP} login`);
  await superuser.unsafe(`create database ${DATABASE} owner ${OWNER}`);
  const env = { DATABASE_URL: APP_URL, DATABASE_OWNER_URL: OWNER_URL };
  // The seed runs as the app (it only adds rows); the owner applies the migrations first.
  execFileSync(path.resolve("node_modules/.bin/tsx"), ["db/seed.ts"], { stdio: "ignore", env: { ...process.env, ...env } });
  server = await startServer(env);
  asApp = postgres(APP_URL, { max: 1, onnotice: () => {} });
  asOwner = postgres(OWNER_URL, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await server?.stop();
  await asApp?.end();
  await asOwner?.end();
  await superuser.unsafe(`drop database if exists ${DATABASE} with (force)`);
  await superuser.unsafe(`drop role if exists ${APP}`);
  await superuser.unsafe(`drop role if exists ${OWNER}`);
  await superuser.end();
});

async function refusal(statement: string) {
  try {
    await asApp.unsafe(statement);
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  return { code: "none", message: "the statement succeeded" };
}

describe("two database roles", () => {
  it("leave the app's role only INSERT and SELECT on audit_events: ALTER, DISABLE TRIGGER, UPDATE, DELETE and TRUNCATE fail", async () => {
    // It may add a row and read it back, and have committed rows linked into the chain (audit_seal runs
    // as the owner), but not change a row itself.
    const [row] = await asApp<{ id: string }[]>`insert into audit_events (action, entity_type, entity_id) values ('auth.sign_in_failed', 'user', 'unknown') returning id`;
    let linked: { seq: string | null; hash: string | null } | undefined;
    for (let tries = 0; tries < 50 && !linked?.seq; tries++) {
      await asApp`select audit_seal(1000)`; // 0 when the server's own sealer holds the lock: then it links the row
      [linked] = await asApp<{ seq: string | null; hash: string | null }[]>`select seq, hash from audit_events where id = ${row!.id}`;
      if (!linked?.seq) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(linked!.seq).not.toBeNull();
    expect(linked!.hash).toMatch(/^[0-9a-f]{64}$/);
    const attempts = {
      "disable the append-only trigger": `alter table audit_events disable trigger audit_events_no_update_or_delete`,
      "disable the chain trigger": `alter table audit_events disable trigger zz_audit_events_chain`,
      "drop a trigger": `drop trigger audit_events_no_update_or_delete on audit_events`,
      "alter a column": `alter table audit_events alter column hash set not null`,
      update: `update audit_events set action = 'note.viewed' where id = ${row!.id}`,
      delete: `delete from audit_events where id = ${row!.id}`,
      truncate: `truncate audit_events`,
      "drop the table": `drop table audit_events`,
      "replace the hash function": `create or replace function audit_event_hash(e audit_events) returns text language sql as $$ select e.hash $$`,
      "create a table": `create table scratch (id int)`,
    };
    for (const [what, statement] of Object.entries(attempts)) {
      const { code, message } = await refusal(statement);
      // Refused by PostgreSQL's privileges (the role owns nothing), before any trigger runs.
      expect({ what, code }).toEqual({ what, code: "42501" });
      expect(message, what).toMatch(/^(permission denied|must be owner)/);
    }
    const owned = await asApp`select c.relname from pg_class c where c.relowner = (select oid from pg_roles where rolname = current_user)`;
    expect(owned).toEqual([]);
    const [privileges] = await asApp<{ insert: boolean; select: boolean; update: boolean; delete: boolean; truncate: boolean }[]>`
      select has_table_privilege('audit_events', 'INSERT') as insert, has_table_privilege('audit_events', 'SELECT') as select,
             has_table_privilege('audit_events', 'UPDATE') as update, has_table_privilege('audit_events', 'DELETE') as delete,
             has_table_privilege('audit_events', 'TRUNCATE') as truncate`;
    expect(privileges).toEqual({ insert: true, select: true, update: false, delete: false, truncate: false });
  });

  it("while the app works on that role: sign-in, registration, an admin's changes, a booking, the audit page", async () => {
    const patient = client(server.url);
    await patient.register(`roles-${suffix}@test.example`);
    const admin = await demoAdmin(server.url); // sets up the admin's required two-step sign-in: more writes as the app
    const created = await admin.post("/admin/users", { role: "staff", fullName: "Roles Staff", email: `staff-${suffix}@test.example`, password: "a good long password" });
    expect(created.status).toBe(200);
    const page = await admin.get(`/admin/audit?person=${encodeURIComponent(`roles-${suffix}@test.example`)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Account created");
    expect(html).toContain("Signed in");
    expect((await admin.get("/clinic/schedule")).status).toBe(200);

    // The app's role, started without the owner's URL: nothing is pending, so it asks for no DDL.
    const handle: DatabaseHandle = await openDatabase({ databaseUrl: APP_URL, poolSize: 4 });
    try {
      const doctor = await makeDoctor(handle.db);
      await giveHours(handle.db, doctor.id);
      const someone = await makeUser(handle.db);
      const booked = await bookAppointment(
        handle.db,
        { patientId: someone.id, doctorId: doctor.id, startsAt: at("09:00"), reason: "Cough", symptoms: "", idempotencyKey: crypto.randomUUID() },
        NOW,
      );
      expect(booked.created).toBe(true);
      await recordAudit(handle.db, { actorId: null, action: "auth.sign_in_failed", entityType: "user", entityId: "unknown" });
      expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
    } finally {
      await handle.close();
    }
  });

  it("leave even the owner unable to hide a deletion: the trigger refuses it, and once switched off, audit:verify names the gap", async () => {
    const [victim] = await asOwner<{ id: string; seq: string }[]>`select id, seq from audit_events where seq is not null order by seq desc offset 2 limit 1`;
    await expect(asOwner`delete from audit_events where id = ${victim!.id}`).rejects.toMatchObject({
      code: "42501",
      message: "audit_events is append-only: DELETE is not allowed",
    });
    await asOwner.begin(async (tx) => {
      await tx`alter table audit_events disable trigger audit_events_no_update_or_delete`;
      await tx`delete from audit_events where id = ${victim!.id}`;
      await tx`alter table audit_events enable trigger audit_events_no_update_or_delete`;
    });
    const verify = await run(path.resolve("node_modules/.bin/tsx"), ["db/audit-verify.ts"], { env: { ...process.env, DATABASE_URL: APP_URL } }).then(
      () => ({ code: 0, out: "" }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(verify.code).toBe(1);
    expect(verify.out).toMatch(new RegExp(`missing row: 1 row is missing \\(No\\. ${victim!.seq}\\) between row id \\d+ \\(No\\. ${Number(victim!.seq) - 1}, `));
  });

  it("refuse to start with an app role that could act as the owner", async () => {
    await expect(openDatabase({ databaseUrl: OWNER_URL, ownerUrl: OWNER_URL })).rejects.toThrow(DatabaseRoleError);
    await expect(openDatabase({ databaseUrl: OWNER_URL, ownerUrl: OWNER_URL })).rejects.toThrow(/is DATABASE_OWNER_URL's role too/);
    const superuserUrl = new URL(process.env.DATABASE_URL!);
    superuserUrl.pathname = `/${DATABASE}`;
    await expect(openDatabase({ databaseUrl: superuserUrl.toString(), ownerUrl: OWNER_URL })).rejects.toThrow(/is a superuser/);
  });
});
