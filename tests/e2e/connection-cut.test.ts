import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { boardOf, openConsultation } from "../helpers/consult-e2e";
import { startCutProxy } from "../helpers/cut-proxy";
import { client } from "../helpers/http";
import { blockStatus, expectLive, finishVisit, framesDecoded, sendChat } from "../helpers/page-probes";

// Patient, doctor and clinic staff reach the app through a proxy that can cut their line mid-call.
const baseURL = inject("baseURL");
let browser: Browser;
let proxy: Awaited<ReturnType<typeof startCutProxy>>;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
  proxy = await startCutProxy(baseURL);
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
});

const shown = (page: Page, text: string) => page.locator(".chat__message:not([data-pending])").filter({ hasText: text }).count();
const pending = (page: Page, text: string) => page.locator(".chat__message[data-pending]").filter({ hasText: text }).count();
/** What a page logs while its line is cut (failed reconnects, aborted loads) is the cut, not a bug. */
const cutNoise = /WebSocket|ERR_CONNECTION|ERR_EMPTY_RESPONSE|ERR_NETWORK|Failed to fetch|net::|EventSource/;

const send = sendChat;

describe("a connection cut in the middle of a call", () => {
  it("resumes the room's socket and the staff's event stream by themselves, and no chat message is lost", async () => {
    const room = await openConsultation(baseURL);
    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const url = proxy.url;
    const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL: url } });
    const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL: url }, viewport: { width: 1280, height: 900 } });
    const board = await openPage(browser, { session: { cookie: staff.cookie, baseURL: url }, viewport: { width: 1600, height: 1000 } });

    await doctor.page.goto(`${url}/consult/${room.appointmentId}`);
    await patient.page.goto(`${url}/consult/${room.appointmentId}`);
    await board.page.goto(`${url}${boardOf(room)}`);
    await expectLive(board.page);
    await patient.page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => doctor.page.getByRole("button", { name: "Admit" }).count(), { timeout: 5000 }).toBe(1);
    await doctor.page.getByRole("button", { name: "Admit" }).click();
    await expect.poll(() => framesDecoded(patient.page), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => blockStatus(board.page, room.appointmentId), { timeout: 5000 }).toBe("in_consultation");
    await send(patient.page, "Before the cut: my throat hurts");
    await expect.poll(() => shown(doctor.page, "Before the cut: my throat hurts")).toBe(1);
    await board.page.evaluate(() => ((window as { marker?: number }).marker = 1));

    proxy.cut();
    // Both sides type while the line is down: each message waits in its sender's outbox.
    await send(patient.page, "During the cut: also a headache");
    await send(doctor.page, "During the cut: any fever?");
    expect(await pending(patient.page, "During the cut: also a headache")).toBe(1);
    expect(await pending(doctor.page, "During the cut: any fever?")).toBe(1);
    await new Promise((r) => setTimeout(r, 3000));
    proxy.restore();

    // The sockets come back by themselves; every message arrives on both sides, once, and is stored.
    for (const page of [patient.page, doctor.page]) {
      for (const text of ["Before the cut: my throat hurts", "During the cut: also a headache", "During the cut: any fever?"]) {
        await expect.poll(() => shown(page, text), { timeout: 15_000 }).toBe(1);
      }
      expect(await page.locator(".chat__message[data-pending]").count()).toBe(0);
    }
    await send(doctor.page, "After the cut: please rest");
    await expect.poll(() => shown(patient.page, "After the cut: please rest"), { timeout: 5000 }).toBe(1);
    await patient.page.reload();
    for (const text of ["Before the cut", "During the cut: also a headache", "During the cut: any fever?", "After the cut"]) {
      expect(await shown(patient.page, text), text).toBe(1);
    }

    // The call carries on (media is peer to peer; the signalling socket came back).
    const frames = await framesDecoded(doctor.page);
    await expect.poll(() => framesDecoded(doctor.page), { timeout: 10_000 }).toBeGreaterThan(frames);

    // The staff's board heard of nothing during the cut; its event stream came back and it follows the
    // end of the consultation without a reload.
    doctor.page.once("dialog", (dialog) => void dialog.accept());
    await finishVisit(doctor.page);
    await expect.poll(() => blockStatus(board.page, room.appointmentId), { timeout: 10_000 }).toBe("completed");
    expect(await board.page.evaluate(() => (window as { marker?: number }).marker)).toBe(1);

    for (const side of [patient, doctor, board]) {
      expect(side.errors.filter((e) => !cutNoise.test(e))).toEqual([]);
      await side.context.close();
    }
  });
});

describe("an event stream refused on the way", () => {
  it("opens the board's event stream again when it is refused (a proxy's 502 while an instance restarts), and the board hears the next change", async () => {
    const room = await openConsultation(baseURL);
    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const { page, context, errors } = await openPage(browser, { session: { cookie: staff.cookie, baseURL }, viewport: { width: 1600, height: 1000 } });
    // The first two tries of the stream get nginx's answer for an instance that is not there: the
    // browser's EventSource gives up on an answer that is not a stream, and does not retry by itself.
    let refused = 0;
    await page.route("**/live/events**", (route) => {
      if (refused >= 2) return route.continue();
      refused++;
      return route.fulfill({ status: 502, contentType: "text/html", body: "<h1>502 Bad Gateway</h1>" });
    });
    await page.goto(`${baseURL}${boardOf(room)}`);
    await expect.poll(() => refused, { timeout: 10_000 }).toBe(2);
    await expectLive(page);
    expect((await room.patient.post(`/consult/${room.appointmentId}`, { intent: "checkIn" })).status).toBe(302);
    await expect.poll(() => blockStatus(page, room.appointmentId), { timeout: 2000, interval: 50 }).toBe("checked_in");
    expect(errors.filter((e) => !/502|Bad Gateway|EventSource/.test(e))).toEqual([]);
    await context.close();
  });
});
