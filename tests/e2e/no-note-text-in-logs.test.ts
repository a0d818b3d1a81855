import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { client } from "../helpers/http";
import { openConsultation } from "../helpers/consult-e2e";
import { startServer } from "../helpers/server";

describe("server logs and ids", () => {
  it("never contain a consult note's text, even with request logging on", async () => {
    const server = await startServer({ LOG_REQUESTS: "1" });
    try {
      const room = await openConsultation(server.url);
      const secret = "Patient-confides-XK47-confidential-history";
      const saved = await room.doctor.post(`/consult/${room.appointmentId}/note`, {
        intent: "save",
        baseVersion: "0",
        subjective: secret,
        diagnosis: `${secret} diagnosis`,
      });
      expect(saved.status).toBe(200);
      // A stale save and a malformed one exercise the error paths too.
      expect((await room.doctor.post(`/consult/${room.appointmentId}/note`, { intent: "save", baseVersion: "0", plan: secret })).status).toBe(409);
      expect((await room.doctor.post(`/consult/${room.appointmentId}/note`, { intent: "save", baseVersion: "1", advice: secret.repeat(400) })).status).toBe(400);
      expect((await room.doctor.get(`/consult/${room.appointmentId}`)).status).toBe(200);
      expect(server.output()).toContain("POST /consult/");
      expect(server.output()).not.toContain("XK47");
    } finally {
      await server.stop();
    }
  });

  it("answer an id that is not one with a 4xx and a message, and never show a query's parameters", async () => {
    const server = await startServer();
    try {
      const marker = "abc-QZ93-not-an-id";
      const staff = client(server.url);
      await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
      const page = await staff.get(`/doctor/availability?doctorId=${marker}`);
      expect(page.status).toBe(404);
      expect(await page.text()).toContain("Page not found");
      const form = await staff.post(`/doctor/availability?doctorId=${marker}`, { intent: "removeRule", id: crypto.randomUUID() });
      expect(form.status).toBe(404);
      const token = await staff.post(`/consult/${marker}/token`, {});
      expect(token.status).toBe(403);
      expect(server.output()).not.toContain("QZ93");
      expect(server.output()).not.toMatch(/params:/);
    } finally {
      await server.stop();
    }
    // A server of its own (its log is read): starting one takes a while on a loaded machine.
  }, 150_000);
});
