import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migratedPgliteTemplate } from "~db/client.server";

/**
 * On the embedded database, migrates one in-memory database and saves a copy that every file's database
 * starts from (`createTestDatabase`): a new cluster and the migrations cost each file ~3 s of CPU,
 * loading the copy ~0.6 s. The copy is made from this checkout's migrations on every run.
 */
export default async function setup() {
  if (process.env.DATABASE_URL) return;
  const dir = mkdtempSync(path.join(tmpdir(), "yunzhen-pglite-template-"));
  const file = path.join(dir, "migrated.tar");
  writeFileSync(file, Buffer.from(await (await migratedPgliteTemplate()).arrayBuffer()));
  process.env.YZ_PGLITE_TEMPLATE = file;
  return () => rmSync(dir, { recursive: true, force: true });
}
