import { spawnSync } from "node:child_process";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "~db/demo-hospital";
import { createScratchDatabase } from "../helpers/database";
import { client } from "../helpers/http";
import { enrol } from "../helpers/second-factor";
import { startServer, type RunningServer } from "../helpers/server";

/*
 * A hospital's own deployment on PostgreSQL starts with no known password: the server never seeds the
 * demo into a PostgreSQL server on its own, so there is no account at all until `npm run create-admin`.
 * Read from outside the app (the accounts and the audit trail are shown on no page).
 */
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let app: RunningServer;
let db: ReturnType<typeof postgres>;

beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL!, "yz_e2e");
  app = await startServer({ DATABASE_URL: scratch.url });
  db = postgres(scratch.url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await db?.end();
  await app?.stop();
  await scratch?.drop();
});

const createAdmin = (env: Record<string, string>, args: string[] = []) =>
  spawnSync(process.execPath, ["--import", "tsx", "db/create-admin.ts", ...args], {
    env: { ...process.env, DATABASE_URL: scratch.url, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

describe("a hospital's deployment on PostgreSQL", () => {
  it("starts with no account and no demo banner, prints no password, and says how to make the first admin", async () => {
    expect((await db`select count(*)::int as n from users`)[0]!.n).toBe(0);
    expect(app.output()).not.toContain(DEMO_PASSWORD);
    expect(app.output()).toContain("npm run create-admin");
    const home = await (await fetch(`${app.url}/login`)).text();
    expect(home).not.toContain("demo-banner");
  });

  it("gets its first admin from npm run create-admin, once, audited; the admin sets up two-step sign-in and creates another admin, audited with who and what", async () => {
    const first = createAdmin({ ADMIN_EMAIL: "Head.IT@hospital.example", ADMIN_NAME: "Head of IT", ADMIN_PASSWORD: "a long hospital password" });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("Created the admin head.it@hospital.example");
    const again = createAdmin({ ADMIN_PASSWORD: "another long password" }, ["--email", "second@hospital.example", "--name", "Second"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("An admin account already exists");
    const [head] = await db`select id, role from users where email = 'head.it@hospital.example'`;
    expect(head).toMatchObject({ role: "admin" });
    expect(await db`select actor_id, action, detail from audit_events where entity_id = ${head!.id}`).toEqual([
      { actor_id: null, action: "account.created", detail: { role: "admin", via: "create_admin" } },
    ]);

    const admin = client(app.url);
    await admin.signIn("head.it@hospital.example", "a long hospital password");
    const users = await admin.get("/admin/users");
    expect(users.status).toBe(302);
    expect(users.headers.get("Location")).toBe("/account/second-factor?redirectTo=%2Fadmin%2Fusers");
    await enrol(admin);
    const created = await admin.post("/admin/users", { role: "admin", email: "deputy@hospital.example", password: "a deputy's long password", fullName: "Deputy" });
    expect(created.status).toBe(200);
    const [deputy] = await db`select id from users where email = 'deputy@hospital.example'`;
    const events = await db`select actor_id, action, entity_type, detail, client_address from audit_events where entity_id = ${deputy!.id}`;
    expect(events).toEqual([
      { actor_id: head!.id, action: "account.created", entity_type: "user", detail: { role: "admin", via: "admin_users" }, client_address: expect.any(String) },
    ]);
  });
});
