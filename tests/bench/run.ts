/**
 * `npm run bench`: prints figures and ratios (not a pass/fail test). Runs on the embedded database, and
 * also on a PostgreSQL server when DATABASE_URL is set (a scratch database is created and dropped).
 */
import { createTestDatabase } from "../helpers/database";
import { benchBooking } from "./booking.bench";
import { benchCalls } from "./call.bench";
import { benchSchedule } from "./schedule.bench";

const targets: ("pglite" | "postgres")[] = process.env.DATABASE_URL ? ["postgres", "pglite"] : ["pglite"];

for (const target of targets) {
  const saved = process.env.DATABASE_URL;
  if (target === "pglite") delete process.env.DATABASE_URL;
  const handle = await createTestDatabase();
  console.log(`\n== ${handle.label} ==`);
  try {
    await benchBooking(handle);
  } finally {
    await handle.close();
    if (saved) process.env.DATABASE_URL = saved;
  }
}

console.log("\n== consultation calls (embedded database) ==");
await benchCalls();

console.log("\n== clinic schedule ==");
if (process.env.DATABASE_URL) await benchSchedule(process.env.DATABASE_URL);
await benchSchedule();
