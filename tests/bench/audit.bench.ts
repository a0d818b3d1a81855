import { sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { recordAudit, sealAuditTrail } from "~/features/audit/record-audit.server";
import type { createTestDatabase } from "../helpers/database";
import { percentile } from "./stats";

const WRITERS = 50;
const PER_WRITER = 10;
const SEQUENTIAL = 300;
const ROUNDS = 3;

const entry = (i: number) =>
  ({ actorId: null, actorRole: null, patientId: null, action: "auth.signed_in", entityType: "user", entityId: String(i), clientAddress: "192.0.2.1", detail: { i } }) as const;

/**
 * What the audit chain costs: the same audited inserts with the chain's trigger (it stamps the time; rows
 * are linked after they commit) and with a baseline trigger that only numbers the rows, in alternating
 * rounds. Alone, and with 50 writers at once whose transactions end with the audit insert, as every use
 * case's do. Then how fast `audit_seal()` links the rows written meanwhile.
 */
export async function benchAudit(handle: Awaited<ReturnType<typeof createTestDatabase>>) {
  const db = handle.db;
  await db.execute(sql.raw(`create sequence bench_audit_seq`));
  await db.execute(
    sql.raw(`create function bench_audit_number() returns trigger language plpgsql as $$
      begin new.seq := nextval('bench_audit_seq'); new.prev_hash := ''; new.hash := ''; return new; end $$`),
  );
  const use = async (chain: boolean) => {
    await db.execute(sql.raw(`drop trigger if exists zz_bench_audit_number on audit_events`));
    await db.execute(sql.raw(`alter table audit_events ${chain ? "enable" : "disable"} trigger zz_audit_events_chain`));
    if (chain) return;
    // Numbers above every chained row, so that both kinds of row can share the table.
    await db.execute(sql.raw(`select setval('bench_audit_seq', (select coalesce(max(seq), 0) + 1000000000 from audit_events))`));
    await db.execute(sql.raw(`create trigger zz_bench_audit_number before insert on audit_events for each row execute function bench_audit_number()`));
  };
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const chain of [false, true]) {
        await use(chain);
        const { alone, together, perSecond } = await measure(db);
        let sealing = "";
        if (chain) {
          const t0 = performance.now();
          const linked = await sealAuditTrail(db);
          sealing = ` | sealed ${linked} rows at ${(linked / ((performance.now() - t0) / 1000)).toFixed(0)} rows/s`;
        }
        console.log(
          `round ${round}, ${chain ? "chained " : "baseline"}: one writer p50 ${percentile(alone, 50).toFixed(2)} ms, p95 ${percentile(alone, 95).toFixed(2)} ms | ` +
            `${WRITERS} writers p50 ${percentile(together, 50).toFixed(0)} ms, p95 ${percentile(together, 95).toFixed(0)} ms, ${perSecond.toFixed(0)} transactions/s${sealing}`,
        );
      }
    }
    if (handle.label === "postgres") {
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const rows = (await db.execute(
          sql.raw(`explain (analyze, format json) insert into audit_events (action, entity_type, entity_id, detail) values ('auth.signed_in', 'user', 'x', '{}')`),
        )) as unknown as { "QUERY PLAN": { Triggers: { "Trigger Name": string; Time: number }[] }[] }[];
        times.push(rows[0]!["QUERY PLAN"][0]!.Triggers.find((t) => t["Trigger Name"] === "zz_audit_events_chain")!.Time);
      }
      console.log(`the chain's trigger inside PostgreSQL: p50 ${percentile(times, 50).toFixed(3)} ms, p95 ${percentile(times, 95).toFixed(3)} ms`);
    }
  } finally {
    await use(true);
  }
}

async function measure(db: Db) {
  const alone: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t0 = performance.now();
    await recordAudit(db, entry(i));
    alone.push(performance.now() - t0);
  }
  const together: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let k = 0; k < PER_WRITER; k++) {
        const start = performance.now();
        await db.transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          await recordAudit(tx, entry(w * PER_WRITER + k));
        });
        together.push(performance.now() - start);
      }
    }),
  );
  return { alone, together, perSecond: (WRITERS * PER_WRITER * 1000) / (performance.now() - t0) };
}
