/**
 * `npm run bench`: prints figures and ratios (not a pass/fail test). Runs on the embedded database, and
 * also on a PostgreSQL server when DATABASE_URL is set (a scratch database is created and dropped).
 * `npm run bench -- surge` (or any of booking, calls, schedule, surge, capacity, notify, audit, phone, routes) runs only the benches
 * named; `SURGE_DOCTORS=10` makes the surge a tenth as large (20 patients a doctor), `SURGE_SCALE=3` three
 * times as large in the same minute, `SURGE_WORKERS=1` runs it on one worker. `YZ_TEST_NOW=<ISO instant>`
 * runs them at that time of day (tests/helpers/test-clock.mjs).
 */
// First: with YZ_TEST_NOW the benches (and the servers they start) run on the tests' clock.
import { passClockToChildren } from "../helpers/test-clock.mjs";
import { createTestDatabase } from "../helpers/database";
import { benchAudit } from "./audit.bench";
import { benchBooking } from "./booking.bench";
import { benchCalls } from "./call.bench";
import { benchCapacity } from "./capacity.bench";
import { benchNotify } from "./notify.bench";
import { benchPhone } from "./phone.bench";
import { benchRoutes } from "./routes.bench";
import { benchSchedule } from "./schedule.bench";
import { benchSurge } from "./surge.bench";

passClockToChildren();

const BENCHES = ["booking", "calls", "schedule", "surge", "capacity", "notify", "audit", "phone", "routes"] as const;
const named = process.argv.slice(2);
const unknown = named.filter((name) => !(BENCHES as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`Unknown bench ${unknown.join(", ")}: choose from ${BENCHES.join(", ")}.`);
  process.exit(2);
}
const wanted = (name: (typeof BENCHES)[number]) => named.length === 0 || named.includes(name);

/** Runs a bench on a scratch database of each kind: PostgreSQL first when DATABASE_URL is set, then PGlite. */
async function onEachDatabase(title: string, bench: (handle: Awaited<ReturnType<typeof createTestDatabase>>) => Promise<void>) {
  const targets: ("pglite" | "postgres")[] = process.env.DATABASE_URL ? ["postgres", "pglite"] : ["pglite"];
  for (const target of targets) {
    const saved = process.env.DATABASE_URL;
    if (target === "pglite") delete process.env.DATABASE_URL;
    const handle = await createTestDatabase();
    console.log(`\n== ${title}${handle.label} ==`);
    try {
      await bench(handle);
    } finally {
      await handle.close();
      if (saved) process.env.DATABASE_URL = saved;
    }
  }
}

if (wanted("booking")) await onEachDatabase("", benchBooking);

if (wanted("calls")) {
  console.log("\n== consultation calls (embedded database) ==");
  await benchCalls();
}

if (wanted("schedule")) {
  console.log("\n== clinic schedule ==");
  if (process.env.DATABASE_URL) await benchSchedule(process.env.DATABASE_URL);
  await benchSchedule();
}

if (wanted("surge")) {
  // One database only (a few minutes of a 2-core machine): PostgreSQL when DATABASE_URL is set.
  console.log(`\n== the 9 am surge (${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}) ==`);
  await benchSurge(process.env.DATABASE_URL);
}

if (wanted("capacity")) {
  // Hot pages beside /login (13 and 500 doctors), then the arrival rate held with one and two workers.
  console.log(`\n== capacity (${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}) ==`);
  await benchCapacity(process.env.DATABASE_URL);
}

if (wanted("notify") && process.env.DATABASE_URL) {
  console.log("\n== LISTEN/NOTIFY: commits a second with and without a NOTIFY (PostgreSQL) ==");
  await benchNotify(process.env.DATABASE_URL);
}

if (wanted("audit")) await onEachDatabase("the audit chain's lock, ", benchAudit);

if (wanted("routes")) {
  console.log("\n== route matching (the server's router, the app's routes) ==");
  await benchRoutes();
}

if (wanted("phone")) {
  console.log("\n== the patient's pages on a phone (Chromium, embedded database) ==");
  await benchPhone();
}
