import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { boardOf, openConsultation } from "../helpers/consult-e2e";
import { createScratchDatabase } from "../helpers/database";
import { client } from "../helpers/http";
import { startNginx } from "../helpers/nginx";
import { blockStatus, finishVisit, framesDecoded, sendChat } from "../helpers/page-probes";
import { startServer, type RunningServer } from "../helpers/server";

// Hospital scale in miniature: nginx (the repository's nginx.conf) in front of two app instances on one
// PostgreSQL database. Everyone reaches the app through nginx only.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let instances: RunningServer[] = [];
let nginx: Awaited<ReturnType<typeof startNginx>>;
let browser: Browser;

beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL!, "yz_e2e");
  const env = {
    DATABASE_URL: scratch.url,
    JOIN_TICKET_SECRET: randomBytes(32).toString("hex"),
    ARRIVAL_SECRET: randomBytes(32).toString("hex"),
    TRUST_PROXY: "1",
    WEB_CONCURRENCY: "1",
    LOG_REQUESTS: "1",
  };
  execFileSync(path.resolve("node_modules/.bin/tsx"), ["db/seed.ts"], { stdio: "ignore", env: { ...process.env, ...env } });
  instances = await Promise.all([startServer(env), startServer(env)]);
  nginx = await startNginx(instances.map((i) => i.url));
  browser = await launchBrowser(CALL_ARGS);
});

afterAll(async () => {
  await browser?.close();
  await nginx?.stop();
  await Promise.all(instances.map((i) => i.stop()));
  await scratch?.drop();
});

const shown = (page: Page, text: string) => page.locator(".chat__message:not([data-pending])").filter({ hasText: text }).count();
/** What a page logs while its instance dies under it (failed reconnects) is the failure being survived. */
const deathNoise = /WebSocket|ERR_CONNECTION|ERR_EMPTY_RESPONSE|ERR_NETWORK|Failed to fetch|net::|EventSource|502|Bad Gateway/;

const send = sendChat;

describe("two app instances behind nginx", () => {
  it("carry a call, its chat and the staff board through the death of one instance, losing nothing", async () => {
    const url = nginx.url;
    const room = await openConsultation(url);
    const staff = client(url);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL: url } });
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL: url }, viewport: { width: 1280, height: 900 } });
    const board = await openPage(browser, { session: { cookie: staff.cookie, baseURL: url }, viewport: { width: 1600, height: 1000 } });

    await doctor.page.goto(`${url}/consult/${room.appointmentId}`);
    await patient.page.goto(`${url}/consult/${room.appointmentId}`);
    await board.page.goto(`${url}${boardOf(room)}`);
    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();
    await expect.poll(() => framesDecoded(patient.page), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => blockStatus(board.page, room.appointmentId), { timeout: 5000 }).toBe("in_consultation");
    await send(patient.page, "Before: my throat hurts");
    await expect.poll(() => shown(doctor.page, "Before: my throat hurts")).toBe(1);

    // Kill the instance that holds a room socket (both, if both do: it is the first).
    const holders = instances.filter((i) => i.output().includes("UPGRADE /ws/signal"));
    expect(holders.length).toBeGreaterThan(0);
    const [victim] = holders as [RunningServer];
    const survivor = instances.find((i) => i !== victim)!;
    victim.process.kill("SIGKILL");
    await send(patient.page, "Right after: also a headache");
    await send(doctor.page, "Right after: any fever?");

    // The sockets and the board's stream come back through nginx to the survivor; every message
    // arrives on both sides once.
    for (const page of [patient.page, doctor.page]) {
      for (const text of ["Before: my throat hurts", "Right after: also a headache", "Right after: any fever?"]) {
        await expect.poll(() => shown(page, text), { timeout: 20_000 }).toBe(1);
      }
      expect(await page.locator(".chat__message[data-pending]").count()).toBe(0);
    }
    // The call carries on (media is peer to peer; signalling moved to the survivor).
    const frames = await framesDecoded(doctor.page);
    await expect.poll(() => framesDecoded(doctor.page), { timeout: 10_000 }).toBeGreaterThan(frames);
    // The board follows the end of the consultation.
    doctor.page.once("dialog", (dialog) => void dialog.accept());
    await finishVisit(doctor.page);
    // The visit is finished (the doctor's page says so), then the board follows: a failure names which.
    await expect.poll(() => doctor.page.locator(".consult__header").innerText(), { timeout: 10_000 }).toContain("Completed");
    await expect
      .poll(
        async () => ({
          status: await blockStatus(board.page, room.appointmentId),
          live: await board.page.locator(".live-dot").getAttribute("data-live", { timeout: 1000 }).catch(() => null),
        }),
        { timeout: 10_000 },
      )
      .toEqual({ status: "completed", live: "on" })
      .catch((error: unknown) => {
        // What the survivor heard of the board's stream and the visit's end, for whoever reads the failure.
        const heard = survivor.output().split("\n").filter((line) => /live\/events|\/consult\/|error|LISTEN/i.test(line));
        console.error(`the survivor's log, about the board and the room:\n${heard.slice(-40).join("\n")}`);
        throw error;
      });
    expect(survivor.output()).toContain("UPGRADE /ws/signal");
    await patient.page.reload();
    for (const text of ["Before: my throat hurts", "Right after: also a headache", "Right after: any fever?"]) expect(await shown(patient.page, text)).toBe(1);

    for (const side of [patient, doctor, board]) {
      expect(side.errors.filter((e) => !deathNoise.test(e))).toEqual([]);
      await side.context.close();
    }
  });
});
