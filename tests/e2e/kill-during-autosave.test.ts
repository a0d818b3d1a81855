import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openConsultation } from "../helpers/consult-e2e";
import { startServer } from "../helpers/server";

type Acked = { version: number; subjective: string };
const ROOM_DATA = `_data=${encodeURIComponent("routes/consult.$appointmentId._index")}`;

/**
 * The server is killed outright (SIGKILL: no drain, no shutdown code) while three doctors' notes are
 * autosaving as fast as they can. After a restart on the same embedded database, every save a doctor's
 * browser saw acknowledged is there: the note is at that version or a later one, never older.
 */
describe("SIGKILL during a burst of note autosaves", () => {
  it("keeps every save that was acknowledged", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "yunzhen-kill-")), "pglite");
    const first = await startServer({ PGLITE_DIR: dir });
    const rooms = await Promise.all([1, 2, 3].map(() => openConsultation(first.url)));
    const acked = new Map<string, Acked>(rooms.map((r) => [r.appointmentId, { version: 0, subjective: "" }]));

    let killed = false;
    const autosave = async (room: (typeof rooms)[number]) => {
      while (!killed) {
        const last = acked.get(room.appointmentId)!;
        const subjective = `Draft ${last.version + 1}: cough, ${"detail ".repeat(last.version % 40)}`;
        try {
          const response = await room.doctor.post(`/consult/${room.appointmentId}/note`, {
            intent: "save",
            baseVersion: String(last.version),
            subjective,
          });
          if (response.status !== 200) throw new Error(`save answered ${response.status}: ${await response.text()}`);
          const { version } = (await response.json()) as { version: number };
          expect(version).toBe(last.version + 1);
          acked.set(room.appointmentId, { version, subjective });
        } catch (error) {
          if (killed) return; // the answer died with the server: not acknowledged
          throw error;
        }
      }
    };
    const savers = rooms.map(autosave);
    await new Promise((r) => setTimeout(r, 2500));
    killed = true;
    first.process.kill("SIGKILL");
    await Promise.all(savers);
    await new Promise<void>((resolve) => (first.process.exitCode !== null || first.process.signalCode ? resolve() : first.process.once("exit", () => resolve())));
    const total = [...acked.values()].reduce((sum, a) => sum + a.version, 0);
    expect(total).toBeGreaterThan(20); // the burst really was a burst

    const second = await startServer({ PGLITE_DIR: dir });
    try {
      for (const room of rooms) {
        const last = acked.get(room.appointmentId)!;
        const response = await fetch(`${second.url}/consult/${room.appointmentId}?${ROOM_DATA}`, { headers: { Cookie: room.doctor.cookie } });
        expect(response.status).toBe(200);
        const { note } = (await response.json()) as { note: { version: number; fields: { subjective: string | null } } };
        expect(note.version).toBeGreaterThanOrEqual(last.version);
        // At most the one save in flight when the server died may have landed without its answer.
        expect(note.version).toBeLessThanOrEqual(last.version + 1);
        expect(note.fields.subjective).toEqual(note.version === last.version ? last.subjective : expect.stringMatching(new RegExp(`^Draft ${note.version}:`)));
      }
    } finally {
      await second.stop();
    }
  });
});
