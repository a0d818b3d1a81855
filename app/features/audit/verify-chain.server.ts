import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { sealAuditTrail } from "./record-audit.server";

/** A row as a report names it: its id, its place in the chain and its time (UTC). */
export type ChainRow = { id: number; seq: number; at: string };

export type ChainProblem =
  /** The row's content no longer gives its stored hash: it was changed after it was written. */
  | { kind: "changed"; row: ChainRow }
  /** Chain positions are missing between two rows (or before the first): rows were deleted. */
  | { kind: "missing"; after: ChainRow | null; before: ChainRow; count: number }
  /** The row's link does not match the row before it, whose own hash is consistent: that row was replaced. */
  | { kind: "relinked"; row: ChainRow; previous: ChainRow | null }
  /** The chain ends before a head recorded earlier: rows were deleted from its end. */
  | { kind: "truncated"; last: ChainRow | null; anchorSeq: number }
  /** The row at a head recorded earlier has another hash now: the chain up to it was rewritten. */
  | { kind: "rewritten"; row: ChainRow; anchorHash: string };

export type ChainHead = ChainRow & { hash: string };

export type ChainReport =
  | { ok: true; rows: number; head: ChainHead | null }
  | { ok: false; rows: number; problem: ChainProblem };

const GENESIS = "0".repeat(64);

/**
 * What each link's hash covers, computed here and not by the database's own `audit_event_hash()`, which
 * whoever could alter the rows could alter too. It must stay the same expression as in the migration
 * `audit-chain` (an untouched chain verifying proves they agree).
 */
const canonical = sql<string>`pg_catalog.jsonb_build_array(
  seq, id, pg_catalog.to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  actor_id, actor_role, action, entity_type, entity_id, patient_id, client_address, detail, prev_hash
)::text`;

type Link = { id: string | number; seq: string | number; at: string; prev_hash: string; hash: string; canonical: string };

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows);
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * Walks the audit trail in chain order and stops at the first broken link: a row whose content changed,
 * positions missing (deleted rows), or a link that does not match the row before it. Reads a batch at a
 * time, so millions of rows need little memory.
 *
 * The chain alone cannot show rows deleted from its very end, nor a chain recomputed from the first
 * changed row onwards by someone who can write to it. Against both, keep the head this returns
 * somewhere else (a printout, another system) and pass it back later as `anchor`.
 *
 * `after`, a head checked before, starts the walk there: only the rows written since are read (a daily
 * check of a table of millions), and they must link to that head.
 */
export async function verifyAuditChain(
  db: Db,
  options: { anchor?: { seq: number; hash: string }; after?: { seq: number; hash: string }; batchSize?: number } = {},
): Promise<ChainReport> {
  const batchSize = options.batchSize ?? 5000;
  // Rows that committed a moment ago are linked first: the chain then holds every row there is.
  await sealAuditTrail(db);
  let previous: (ChainRow & { hash: string }) | null = options.after
    ? { id: 0, seq: options.after.seq, at: "", hash: options.after.hash }
    : null;
  let rows = 0;
  let anchorSeen = false;
  for (;;) {
    const after: number = previous?.seq ?? 0;
    const batch: Link[] = rowsOf<Link>(
      await db.execute(sql`
        select id, seq, pg_catalog.to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
               prev_hash, hash, ${canonical} as canonical
        from audit_events where seq > ${after} order by seq limit ${batchSize}`),
    );
    for (const link of batch) {
      const row: ChainRow = { id: Number(link.id), seq: Number(link.seq), at: link.at };
      const expectedSeq = (previous?.seq ?? 0) + 1;
      if (row.seq !== expectedSeq) {
        return { ok: false, rows, problem: { kind: "missing", after: previous && strip(previous), before: row, count: row.seq - expectedSeq } };
      }
      if (sha256(link.canonical) !== link.hash) return { ok: false, rows, problem: { kind: "changed", row } };
      if (link.prev_hash !== (previous?.hash ?? GENESIS)) {
        return { ok: false, rows, problem: { kind: "relinked", row, previous: previous && strip(previous) } };
      }
      if (options.anchor && row.seq === options.anchor.seq) {
        anchorSeen = true;
        if (link.hash !== options.anchor.hash) return { ok: false, rows, problem: { kind: "rewritten", row, anchorHash: options.anchor.hash } };
      }
      previous = { ...row, hash: link.hash };
      rows++;
    }
    if (batch.length < batchSize) break;
  }
  if (options.anchor && !anchorSeen && options.anchor.seq > (options.after?.seq ?? 0)) {
    return { ok: false, rows, problem: { kind: "truncated", last: previous && strip(previous), anchorSeq: options.anchor.seq } };
  }
  return { ok: true, rows, head: rows > 0 ? previous : null };
}

const strip = ({ id, seq, at }: ChainRow): ChainRow => ({ id, seq, at });

const name = (row: ChainRow) => (row.id ? `row id ${row.id} (No. ${row.seq}, ${row.at})` : `No. ${row.seq} (where the check started)`);

/** The report in words, for the command line and the server's log. */
export function describeChainProblem(problem: ChainProblem): string {
  switch (problem.kind) {
    case "changed":
      return `${name(problem.row)}: changed content — the row no longer matches the hash it was written with.`;
    case "missing": {
      const rows = problem.count === 1 ? "1 row is missing" : `${problem.count} rows are missing`;
      const first = (problem.after?.seq ?? 0) + 1;
      const range = problem.count === 1 ? `No. ${first}` : `No. ${first}–${problem.before.seq - 1}`;
      return problem.after
        ? `missing row: ${rows} (${range}) between ${name(problem.after)} and ${name(problem.before)}.`
        : `missing row: ${rows} (${range}) before the first row left, ${name(problem.before)}.`;
    }
    case "relinked":
      return problem.previous
        ? `${name(problem.row)}: its link does not match ${name(problem.previous)} — that row was replaced, or rows were removed and the rest renumbered.`
        : `${name(problem.row)}: the first row does not start the chain — rows before it were removed.`;
    case "truncated":
      return problem.last
        ? `missing rows at the end: the chain ends at ${name(problem.last)}, but No. ${problem.anchorSeq} was recorded earlier.`
        : `missing rows: the trail is empty, but No. ${problem.anchorSeq} was recorded earlier.`;
    case "rewritten":
      return `${name(problem.row)}: its hash differs from the one recorded earlier (${problem.anchorHash.slice(0, 16)}…) — the chain up to it was rewritten.`;
  }
}
