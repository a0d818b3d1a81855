import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { asc, desc, gt, isNotNull, sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { openDatabase, type Db } from "~db/client.server";
import { auditEvents } from "~db/schema";
import { recordAudit, sealAuditTrail } from "~/features/audit/record-audit.server";
import { describeChainProblem, verifyAuditChain } from "~/features/audit/verify-chain.server";
import { signIn } from "~/features/auth/sign-in.server";
import { LIMITS } from "../helpers/config";
import { createScratchDatabase, useTestDatabase } from "../helpers/database";
import { makeUser } from "../helpers/factories";

const run = promisify(execFile);
const testDatabase = useTestDatabase();

/**
 * These tests break the chain on purpose, one after another, in one database: the first checks the whole
 * chain while it is untouched, and each later one checks only from the head it started at (`after`).
 */
async function withChain(work: (db: Db, start: { seq: number; hash: string } | undefined) => Promise<void>) {
  const db = testDatabase.handle.db;
  await sealAuditTrail(db);
  const [last] = await db
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(isNotNull(auditEvents.seq))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  await work(db, last ? { seq: last.seq!, hash: last.hash! } : undefined);
}

const write = (db: Db, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => () =>
    recordAudit(db, { actorId: null, action: "auth.sign_in_failed", entityType: "user", entityId: "unknown", detail: { attempt: from + i } }),
  ).reduce((done, next) => done.then(next), Promise.resolve());

/** The rows after `start`, in chain order, once everything written so far is linked. */
const rowsBySeq = async (db: Db, start?: { seq: number }) => {
  await sealAuditTrail(db);
  return db.select().from(auditEvents).where(gt(auditEvents.seq, start?.seq ?? 0)).orderBy(asc(auditEvents.seq));
};

/** What an owner can do and the app cannot: switch the append-only trigger off around a change. */
async function asOwner(db: Db, statement: string) {
  await db.execute(sql.raw("alter table audit_events disable trigger audit_events_no_update_or_delete"));
  try {
    await db.execute(sql.raw(statement));
  } finally {
    await db.execute(sql.raw("alter table audit_events enable trigger audit_events_no_update_or_delete"));
  }
}

describe("the audit chain", () => {
  it("links every row to the one before, with no gap: an untouched trail verifies and reports its head", async () => {
    await withChain(async (db, start) => {
      expect(start).toBeUndefined(); // the first test: the whole chain
      await write(db, 6);
      const rows = await rowsBySeq(db);
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(rows[0]!.prevHash).toBe("0".repeat(64));
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
      for (const row of rows) expect(row.hash).toMatch(/^[0-9a-f]{64}$/);

      const report = await verifyAuditChain(db, { batchSize: 4 }); // batches join up
      expect(report).toEqual({ ok: true, rows: 6, head: expect.objectContaining({ seq: 6, id: rows[5]!.id, hash: rows[5]!.hash }) });
    });
  });

  it("stamps time, place and hash itself: whatever an insert says is replaced, and the row waits unlinked until sealed", async () => {
    await withChain(async (db, start) => {
      await write(db, 1);
      await db.insert(auditEvents).values({
        action: "auth.signed_out",
        entityType: "user",
        entityId: "forged",
        at: new Date("2001-01-01T00:00:00Z"),
        seq: 99,
        prevHash: "f".repeat(64),
        hash: "e".repeat(64),
      });
      const waiting = await db.select().from(auditEvents).where(sql`${auditEvents.entityId} = 'forged'`);
      expect(waiting).toMatchObject([{ seq: null, prevHash: null, hash: null }]);
      const [, forged] = await rowsBySeq(db, start);
      expect(forged).toMatchObject({ entityId: "forged", seq: start!.seq + 2 });
      expect(forged!.at.getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(forged!.prevHash).not.toBe("f".repeat(64));
      expect(forged!.hash).not.toBe("e".repeat(64));
      expect((await verifyAuditChain(db, { after: start })).ok).toBe(true);
    });
  });

  it("names the gap when an owner switches the trigger off and deletes a row", async () => {
    await withChain(async (db, start) => {
      await write(db, 6);
      const rows = await rowsBySeq(db, start);
      const [third, fourth, fifth] = [rows[2]!, rows[3]!, rows[4]!];
      await asOwner(db, `delete from audit_events where seq = ${fourth.seq}`);
      const report = await verifyAuditChain(db, { after: start });
      expect(report).toEqual({
        ok: false,
        rows: 3,
        problem: {
          kind: "missing",
          count: 1,
          after: expect.objectContaining({ id: third.id, seq: third.seq }),
          before: expect.objectContaining({ id: fifth.id, seq: fifth.seq }),
        },
      });
      if (report.ok) return;
      expect(describeChainProblem(report.problem)).toMatch(
        new RegExp(`^missing row: 1 row is missing \\(No\\. ${fourth.seq}\\) between row id ${third.id} \\(No\\. ${third.seq}, \\d{4}-.+Z\\) and row id ${fifth.id} `),
      );
    });
  });

  it("names a row whose content an owner changed, and one replaced with a recomputed hash", async () => {
    await withChain(async (db, start) => {
      await write(db, 4);
      const [, second, third] = await rowsBySeq(db, start);
      await asOwner(db, `update audit_events set client_address = '10.0.0.1' where seq = ${second!.seq}`);
      const changed = await verifyAuditChain(db, { after: start });
      expect(changed).toMatchObject({ ok: false, rows: 1, problem: { kind: "changed", row: { id: second!.id, seq: second!.seq } } });
      if (!changed.ok) expect(describeChainProblem(changed.problem)).toContain(`row id ${second!.id} (No. ${second!.seq},`);
      expect(!changed.ok && describeChainProblem(changed.problem)).toContain("changed content");

      // A cleverer owner also recomputes that row's hash (with the database's own function): the next
      // row's link still points at the old one.
      await asOwner(db, `update audit_events e set hash = audit_event_hash(e) where seq = ${second!.seq}`);
      expect(await verifyAuditChain(db, { after: start })).toMatchObject({
        ok: false,
        rows: 2,
        problem: { kind: "relinked", row: { seq: third!.seq }, previous: { seq: second!.seq } },
      });
    });
  });

  it("shows rows removed from the end, or a rewritten chain, against a head kept elsewhere", async () => {
    await withChain(async (db, start) => {
      const base = start!.seq; // rows base+1 … base+5, then base+6 and base+7
      await write(db, 5);
      const first = await verifyAuditChain(db, { after: start });
      if (!first.ok || !first.head) throw new Error("expected an intact chain");
      const anchor = { seq: first.head.seq, hash: first.head.hash };
      expect(anchor.seq).toBe(base + 5);
      await write(db, 2, 5);
      expect(await verifyAuditChain(db, { after: start, anchor })).toMatchObject({ ok: true, rows: 7 });

      await asOwner(db, `delete from audit_events where seq >= ${base + 5}`);
      expect(await verifyAuditChain(db, { after: start })).toMatchObject({ ok: true, rows: 4 }); // the chain alone cannot tell
      const cut = await verifyAuditChain(db, { after: start, anchor });
      expect(cut).toMatchObject({ ok: false, problem: { kind: "truncated", anchorSeq: base + 5, last: { seq: base + 4 } } });
      if (!cut.ok) {
        expect(describeChainProblem(cut.problem)).toMatch(new RegExp(`^missing rows at the end: the chain ends at row id \\d+ \\(No\\. ${base + 4}, `));
      }

      // Rows changed, and every hash after the change recomputed in order: consistent, but not the chain that was kept.
      await asOwner(db, `update audit_events set detail = '{}' where seq = ${base + 1}`);
      await asOwner(
        db,
        `do $$ declare r audit_events; previous text := '${start!.hash}'; begin
           for r in select * from audit_events where seq > ${base} order by seq loop
             r.prev_hash := previous; previous := audit_event_hash(r);
             update audit_events set prev_hash = r.prev_hash, hash = previous where id = r.id;
           end loop; end $$`,
      );
      await write(db, 1, 99); // a new row at the anchor's place, on top of the rewritten chain
      expect(await verifyAuditChain(db, { after: start })).toMatchObject({ ok: true, rows: 5 });
      expect(await verifyAuditChain(db, { after: start, anchor })).toMatchObject({ ok: false, problem: { kind: "rewritten", row: { seq: base + 5 } } });
    });
  });

  it("stays one line when 50 writers append at once, in transactions that do other work first", async () => {
    await withChain(async (db, start) => {
      const patients = await Promise.all(Array.from({ length: 5 }, () => makeUser(db)));
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          db.transaction(async (tx) => {
            await tx.execute(sql`select count(*) from users`);
            await recordAudit(tx, { actorId: patients[i % 5]!.id, action: "auth.signed_in", entityType: "user", entityId: patients[i % 5]!.id });
          }),
        ),
      );
      // … and 20 failed sign-ins (with as many unknown emails: an account allows ten guesses), each
      // written on its own, racing too.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => signIn(db, { email: `nobody-${i}@test.example`, password: "wrong password", clientAddress: "192.0.2.1" }, LIMITS)),
      );
      const rows = await rowsBySeq(db, start);
      expect(rows).toHaveLength(70);
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 70 }, (_, i) => start!.seq + i + 1));
      expect(await verifyAuditChain(db, { after: start })).toMatchObject({ ok: true, rows: 70 });
    });
  });
});

describe("npm run audit:verify", () => {
  it("names the gap after an owner deleted a row, and exits 1; an intact trail exits 0 and prints its head", { timeout: 120_000 }, async () => {
    const serverUrl = process.env.DATABASE_URL;
    const scratch = serverUrl ? await createScratchDatabase(serverUrl) : null;
    const dir = scratch ? null : mkdtempSync(path.join(tmpdir(), "yunzhen-audit-"));
    const env = scratch ? { DATABASE_URL: scratch.url } : { DATABASE_URL: "", PGLITE_DIR: path.join(dir!, "pglite") };
    const open = () => openDatabase({ databaseUrl: scratch?.url, pgliteDir: env.PGLITE_DIR });
    const verify = () =>
      run(path.resolve("node_modules/.bin/tsx"), ["db/audit-verify.ts"], { env: { ...process.env, ...env } }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    try {
      // One process per embedded data directory: the database is closed while the command runs.
      let handle = await open();
      await write(handle.db, 5);
      const rows = await rowsBySeq(handle.db);
      await handle.close();

      const intact = await verify();
      expect(intact.code).toBe(0);
      expect(intact.out).toContain("Audit trail intact: 5 rows, No. 1–5");
      expect(intact.out).toContain(`--anchor 5:${rows[4]!.hash}`);
      expect(intact.out).toContain(`--from 5:${rows[4]!.hash}`);

      handle = await open();
      await asOwner(handle.db, "delete from audit_events where seq = 3");
      await handle.close();
      const broken = await verify();
      expect(broken.code).toBe(1);
      expect(broken.out).toContain(
        `Audit trail BROKEN after 2 intact rows: missing row: 1 row is missing (No. 3) between row id ${rows[1]!.id} (No. 2, `,
      );
      expect(broken.out).toContain(`and row id ${rows[3]!.id} (No. 4, `);
    } finally {
      await scratch?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the migration that starts the chain", () => {
  /**
   * A database as it stood before the chain (every migration up to it), with rows in the trail, then
   * brought up to date — on PGlite, or on the PostgreSQL server of DATABASE_URL.
   */
  async function databaseBeforeTheChain() {
    const before = mkdtempSync(path.join(tmpdir(), "yunzhen-migrations-"));
    cpSync("db/migrations", before, { recursive: true });
    const journalPath = path.join(before, "meta/_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag.endsWith("_audit-chain"));
    for (const entry of journal.entries.slice(at)) rmSync(path.join(before, `${entry.tag}.sql`));
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      const scratch = await createScratchDatabase(serverUrl);
      const client = postgres(scratch.url, { max: 1, onnotice: () => {} });
      const db = drizzlePostgres(client) as unknown as Db;
      await migratePostgres(db as never, { migrationsFolder: before });
      return {
        db,
        upgrade: () => migratePostgres(db as never, { migrationsFolder: "db/migrations" }),
        close: async () => {
          await client.end();
          await scratch.drop();
          rmSync(before, { recursive: true, force: true });
        },
      };
    }
    const client = await PGlite.create({ extensions: { btree_gist } });
    const db = drizzlePglite(client) as unknown as Db;
    await migratePglite(db as never, { migrationsFolder: before });
    return {
      db,
      upgrade: () => migratePglite(db as never, { migrationsFolder: "db/migrations" }),
      close: async () => {
        await client.close();
        rmSync(before, { recursive: true, force: true });
      },
    };
  }

  it("chains the rows already there in id order, with their actor's role and patient, and the chain goes on from them", { timeout: 120_000 }, async () => {
    const old = await databaseBeforeTheChain();
    try {
      const one = async <T>(query: string): Promise<T> => {
        const result = (await old.db.execute(sql.raw(query))) as unknown;
        return (Array.isArray(result) ? result : (result as { rows: T[] }).rows)[0] as T;
      };
      const { id: patientId } = await one<{ id: string }>(`insert into users (email, display_name) values ('old.patient@test.example', 'Old Patient') returning id`);
      const { id: doctorUserId } = await one<{ id: string }>(`insert into users (email, display_name, role) values ('old.doctor@test.example', 'Old Doctor', 'doctor') returning id`);
      const { id: departmentId } = await one<{ id: string }>(`insert into departments (code, name_zh, name_en) values ('old', '旧', 'Old') returning id`);
      const { id: doctorId } = await one<{ id: string }>(
        `insert into doctors (user_id, department_id, name_zh, name_en, title) values ('${doctorUserId}', '${departmentId}', '旧医生', 'Old Doctor', 'attending') returning id`,
      );
      const { id: appointmentId } = await one<{ id: string }>(
        `insert into appointments (patient_id, doctor_id, starts_at, ends_at, reason, idempotency_key)
         values ('${patientId}', '${doctorId}', '2031-03-03T01:00:00Z', '2031-03-03T01:30:00Z', 'Old cough', 'k') returning id`,
      );
      await old.db.execute(
        sql.raw(`insert into audit_events (actor_id, action, entity_type, entity_id, client_address, detail) values
          ('${patientId}', 'appointment.checked_in', 'appointment', '${appointmentId}', '192.0.2.1', '{}'),
          ('${doctorUserId}', 'note.edited', 'consult_note', '${appointmentId}', null, '{"version": 1}'),
          (null, 'video.token_issued', 'consultation', 'not-a-uuid', null, '{}')`),
      );

      await old.upgrade();
      const rows = await rowsBySeq(old.db);
      expect(rows.map((r) => [r.seq, r.action, r.actorRole, r.patientId])).toEqual([
        [1, "appointment.checked_in", "patient", patientId],
        [2, "note.edited", "doctor", patientId],
        [3, "video.token_issued", null, null],
      ]);
      expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => a - b));
      expect(await verifyAuditChain(old.db)).toMatchObject({ ok: true, rows: 3 });

      await recordAudit(old.db, { actorId: patientId, action: "auth.signed_in", entityType: "user", entityId: patientId });
      expect((await rowsBySeq(old.db)).at(-1)).toMatchObject({ seq: 4, prevHash: rows[2]!.hash, actorRole: "patient", patientId });
      expect(await verifyAuditChain(old.db)).toMatchObject({ ok: true, rows: 4 });
    } finally {
      await old.close();
    }
  });
});
