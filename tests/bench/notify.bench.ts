/**
 * The ceiling of LISTEN/NOTIFY: a transaction that NOTIFYs takes a cluster-wide lock at commit, so
 * notifying commits run one at a time. Commits a second of a small write (an UPDATE of one row of its
 * own) with and without a NOTIFY of a typical live event (~600 bytes), at several concurrencies, with one
 * listener draining the channel. PostgreSQL only (PGlite has one connection).
 */
import postgres from "postgres";
import { createScratchDatabase } from "../helpers/database";

const SECONDS = 5;
const PAYLOAD = JSON.stringify({
  kind: "appointment",
  appointmentId: "8f5b7c1e-2d4a-4f6b-9c3e-1a2b3c4d5e6f",
  doctorId: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
  patientId: "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b",
  status: "checked_in",
  previous: "booked",
  entry: { startsAt: "2026-12-01T01:00:00.000Z", endsAt: "2026-12-01T01:15:00.000Z", patientName: "王芳", reason: "咳嗽、发热三天，夜间加重，伴有咽痛。", checkedInAt: "2026-12-01T00:55:00.000Z", admittedAt: null },
  queue: { waiting: Array.from({ length: 8 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`), inCall: true },
});

export async function benchNotify(serverUrl: string) {
  const scratch = await createScratchDatabase(serverUrl, "yz_bench");
  const sql = postgres(scratch.url, { max: 64, onnotice: () => {} });
  const listener = postgres(scratch.url, { max: 1, onnotice: () => {} });
  try {
    await sql`create table counters (id int primary key, n bigint not null)`;
    await sql`insert into counters select g, 0 from generate_series(1, 64) g`;
    let heard = 0;
    await listener.listen("yz_bench", () => heard++);
    console.log(`  commits a second (${SECONDS} s each), payload ${PAYLOAD.length} bytes:`);
    for (const clients of [1, 8, 32, 64]) {
      const rates: number[] = [];
      for (const notify of [false, true]) {
        let commits = 0;
        const until = performance.now() + SECONDS * 1000;
        await Promise.all(
          Array.from({ length: clients }, async (_, i) => {
            while (performance.now() < until) {
              await sql.begin(async (tx) => {
                await tx`update counters set n = n + 1 where id = ${i + 1}`;
                if (notify) await tx`select pg_notify('yz_bench', ${PAYLOAD})`;
              });
              commits++;
            }
          }),
        );
        rates.push(commits / SECONDS);
      }
      console.log(
        `    ${String(clients).padStart(2)} connections: without NOTIFY ${rates[0]!.toFixed(0).padStart(6)}/s, with NOTIFY ${rates[1]!.toFixed(0).padStart(6)}/s (×${(rates[1]! / rates[0]!).toFixed(2)})`,
      );
    }
    console.log(`  (the listener heard ${heard} notifications)`);
  } finally {
    await listener.end();
    await sql.end();
    await scratch.drop();
  }
}
