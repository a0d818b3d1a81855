import { describe, expect, it } from "vitest";
import {
  makesOffer,
  MAX_IN_CALL,
  mayInvite,
  mayManageParticipant,
  participantMayCall,
  peerKey,
  seatOf,
} from "~/features/consultation/participant-policy";

const COLLEAGUE = peerKey("colleague", "11111111-1111-4111-8111-111111111111");
const OTHER_COLLEAGUE = peerKey("colleague", "22222222-2222-4222-8222-222222222222");
const COMPANION = peerKey("companion", "33333333-3333-4333-8333-333333333333");
const active = { status: "in_consultation" as const };

describe("who takes part in a consultation", () => {
  it("names people in the call by seat and row, never by name", () => {
    expect(peerKey("doctor")).toBe("doctor");
    expect(peerKey("patient", "ignored")).toBe("patient");
    expect(COLLEAGUE).toBe("colleague:11111111-1111-4111-8111-111111111111");
    expect([COLLEAGUE, COMPANION, "doctor", "patient"].map(seatOf)).toEqual(["colleague", "companion", "doctor", "patient"]);
  });

  it("gives every pair in the call exactly one offerer, the doctor to everyone", () => {
    const everyone = ["doctor", "patient", COLLEAGUE, OTHER_COLLEAGUE, COMPANION];
    for (const a of everyone) {
      for (const b of everyone) {
        if (a === b) continue;
        expect(makesOffer(a, b), `${a} → ${b}`).toBe(!makesOffer(b, a));
      }
      if (a !== "doctor") expect(makesOffer("doctor", a)).toBe(true);
    }
    expect(makesOffer(COLLEAGUE, "patient")).toBe(true);
    expect(makesOffer("patient", COMPANION)).toBe(true);
  });

  it("lets the doctor invite colleagues and the patient one companion, while the visit is ahead or under way", () => {
    expect(mayInvite("doctor", "colleague", active, [])).toEqual({ allowed: true });
    expect(mayInvite("patient", "companion", { status: "booked" }, [])).toEqual({ allowed: true });
    expect(mayInvite("patient", "colleague", active, [])).toMatchObject({ allowed: false, reason: "notYours" });
    expect(mayInvite("doctor", "companion", active, [])).toMatchObject({ allowed: false, reason: "notYours" });
    expect(mayInvite(null, "colleague", active, [])).toMatchObject({ allowed: false, reason: "notYours" });
    expect(mayInvite("doctor", "colleague", { status: "completed" }, [])).toMatchObject({ allowed: false, reason: "closed" });
    expect(mayInvite("patient", "companion", active, [{ kind: "companion", status: "waiting" }])).toMatchObject({ reason: "companionAlready" });
    // A removed companion leaves the seat free again.
    expect(mayInvite("patient", "companion", active, [{ kind: "companion", status: "removed" }])).toEqual({ allowed: true });
  });

  it("holds four people at most: two besides the patient and the doctor", () => {
    expect(MAX_IN_CALL).toBe(4);
    const two = [
      { kind: "colleague" as const, status: "admitted" as const },
      { kind: "companion" as const, status: "invited" as const },
    ];
    expect(mayInvite("doctor", "colleague", active, two)).toMatchObject({ allowed: false, reason: "full" });
    expect(mayInvite("doctor", "colleague", active, [two[0]!, { kind: "colleague", status: "removed" }])).toEqual({ allowed: true });
  });

  it("lets only the doctor let a waiting companion in, and remove anyone not removed yet", () => {
    expect(mayManageParticipant("doctor", "admit", { status: "waiting" }, active)).toBe(true);
    expect(mayManageParticipant("doctor", "admit", { status: "invited" }, active)).toBe(false);
    expect(mayManageParticipant("doctor", "admit", { status: "admitted" }, active)).toBe(false);
    expect(mayManageParticipant("doctor", "remove", { status: "admitted" }, active)).toBe(true);
    expect(mayManageParticipant("doctor", "remove", { status: "removed" }, active)).toBe(false);
    expect(mayManageParticipant("patient", "remove", { status: "admitted" }, active)).toBe(false);
    expect(mayManageParticipant("doctor", "remove", { status: "admitted" }, { status: "completed" })).toBe(false);
  });

  it("puts a participant in the call only once admitted, with the patient in consultation", () => {
    expect(participantMayCall({ status: "admitted" }, active)).toBe(true);
    expect(participantMayCall({ status: "waiting" }, active)).toBe(false);
    expect(participantMayCall({ status: "removed" }, active)).toBe(false);
    expect(participantMayCall({ status: "admitted" }, { status: "checked_in" })).toBe(false);
  });
});
