import { describe, expect, it } from "vitest";
import { joinPrompt, joinWindow } from "~/features/consultation/join-window";

const settings = { joinOpensMinutesBefore: 15, joinClosesMinutesAfter: 30 };
const appointment = { startsAt: new Date("2026-12-02T01:00:00Z"), endsAt: new Date("2026-12-02T01:15:00Z") };
const window = joinWindow(appointment, settings);
const at = (iso: string) => new Date(iso);

describe("the way into a consultation offered to the patient", () => {
  it("is nothing more than an hour before the room opens", () => {
    expect(joinPrompt(window, at("2026-12-01T23:44:59Z"))).toBeNull();
  });

  it("counts down within the hour before the room opens", () => {
    expect(joinPrompt(window, at("2026-12-01T23:45:00Z"))).toEqual({ state: "soon", opensAt: at("2026-12-02T00:45:00Z") });
    expect(joinPrompt(window, at("2026-12-02T00:44:59Z"))).toEqual({ state: "soon", opensAt: at("2026-12-02T00:45:00Z") });
  });

  it("is a way in from the moment the room opens until it closes", () => {
    expect(joinPrompt(window, at("2026-12-02T00:45:00Z"))).toEqual({ state: "open", closesAt: at("2026-12-02T01:45:00Z") });
    expect(joinPrompt(window, at("2026-12-02T01:44:59Z"))?.state).toBe("open");
  });

  it("is nothing once the room has closed", () => {
    expect(joinPrompt(window, at("2026-12-02T01:45:00Z"))).toBeNull();
  });
});
