import { describe, expect, it } from "vitest";
import { DEMO_DOCTORS } from "~db/demo-hospital";
import { openConsultation } from "../helpers/consult-e2e";
import { startServer } from "../helpers/server";

describe("server logs", () => {
  it("never contain a consult note's text, even with request logging on", async () => {
    const server = await startServer({ LOG_REQUESTS: "1" });
    try {
      const room = await openConsultation(server.url, DEMO_DOCTORS[12]!.email);
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
});
