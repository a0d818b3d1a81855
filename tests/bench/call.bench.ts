/**
 * Time from the doctor's "Admit" click to the first decoded frame of the other side's video, on the
 * patient's page and on the doctor's, over ten calls in headless Chromium with fake devices (loopback).
 */
import type { Page } from "playwright-core";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { openConsultation } from "../helpers/consult-e2e";
import { buildApp, startServer } from "../helpers/server";
import { ms, percentile } from "./stats";

const CALLS = 10;

async function firstFrame(page: Page, since: number, deadline = 20_000): Promise<number> {
  for (;;) {
    const frames = await page.evaluate(() => (window.__yunzhenFramesDecoded ? window.__yunzhenFramesDecoded() : Promise.resolve(0)));
    if (frames > 0) return performance.now() - since;
    if (performance.now() - since > deadline) throw new Error("no remote frame within 20 s");
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function benchCalls() {
  buildApp();
  const server = await startServer();
  const browser = await launchBrowser(CALL_ARGS);
  const patientSide: number[] = [];
  const doctorSide: number[] = [];
  try {
    for (let i = 0; i < CALLS; i++) {
      const room = await openConsultation(server.url);
      const patient = await openPage(browser, { session: { cookie: room.patient.cookie, baseURL: server.url } });
      const doctor = await openPage(browser, { session: { cookie: room.doctor.cookie, baseURL: server.url } });
      await patient.page.goto(`${server.url}/consult/${room.appointmentId}`);
      await doctor.page.goto(`${server.url}/consult/${room.appointmentId}`);
      await patient.page.getByRole("button", { name: "Check in" }).click();
      await doctor.page.getByRole("button", { name: "Admit" }).waitFor({ timeout: 10_000 });
      const t0 = performance.now();
      await doctor.page.getByRole("button", { name: "Admit" }).click();
      const [p, d] = await Promise.all([firstFrame(patient.page, t0), firstFrame(doctor.page, t0)]);
      patientSide.push(p);
      doctorSide.push(d);
      await patient.context.close();
      await doctor.context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log(`  "Admit" → first remote video frame, ${CALLS} calls (peer-to-peer, loopback, fake devices)`);
  console.log(`    patient's page: p50 ${ms(percentile(patientSide, 50))}, p95 ${ms(percentile(patientSide, 95))}`);
  console.log(`    doctor's page:  p50 ${ms(percentile(doctorSide, 50))}, p95 ${ms(percentile(doctorSide, 95))}`);
}
