import { describe, expect, it } from "vitest";
import { nextInLine, offerExpiry, offerIsOpen, waitlistRange, type WaitingRequest } from "~/features/waitlist/waitlist-rules";

const T = (iso: string) => new Date(iso);
const slot = { start: T("2031-03-03T01:30:00Z"), end: T("2031-03-03T02:00:00Z") };
const request = (id: string, patientId: string, createdAt: string, fromAt = "2031-03-02T16:00:00Z", untilAt = "2031-03-03T16:00:00Z"): WaitingRequest => ({
  id,
  patientId,
  fromAt: T(fromAt),
  untilAt: T(untilAt),
  createdAt: T(createdAt),
});

describe("who is next for a freed time", () => {
  it("is the earliest request whose range holds the time, whatever order they come in", () => {
    const waiting = [request("b", "p2", "2031-03-01T10:00:00Z"), request("a", "p1", "2031-03-01T09:00:00Z")];
    expect(nextInLine(slot, waiting)?.id).toBe("a");
  });

  it("skips a range that does not hold the whole time (ending inside it, or starting after it)", () => {
    const waiting = [
      request("ends-inside", "p1", "2031-03-01T08:00:00Z", "2031-03-02T16:00:00Z", "2031-03-03T01:45:00Z"),
      request("starts-after", "p2", "2031-03-01T08:30:00Z", "2031-03-03T01:31:00Z", "2031-03-04T16:00:00Z"),
      request("holds", "p3", "2031-03-01T09:00:00Z"),
    ];
    expect(nextInLine(slot, waiting)?.id).toBe("holds");
  });

  it("skips a request offered this time before, a patient busy then, and the patient whose appointment freed it", () => {
    const waiting = [
      request("offered", "p1", "2031-03-01T08:00:00Z"),
      request("busy", "p2", "2031-03-01T08:10:00Z"),
      request("mover", "p3", "2031-03-01T08:20:00Z"),
      request("next", "p4", "2031-03-01T08:30:00Z"),
    ];
    const next = nextInLine(slot, waiting, { offeredBefore: new Set(["offered"]), busyPatients: new Set(["p2"]), excludedPatientId: "p3" });
    expect(next?.id).toBe("next");
  });

  it("skips a request that holds another offer now: one held time per request", () => {
    const waiting = [request("holding", "p1", "2031-03-01T08:00:00Z"), request("free", "p2", "2031-03-01T09:00:00Z")];
    expect(nextInLine(slot, waiting, { holdingOffer: new Set(["holding"]) })?.id).toBe("free");
  });

  it("orders two requests of the same instant by id, and is nobody when nobody waits for it", () => {
    const same = "2031-03-01T08:00:00Z";
    expect(nextInLine(slot, [request("y", "p1", same), request("x", "p2", same)])?.id).toBe("x");
    expect(nextInLine(slot, [])).toBeNull();
  });
});

describe("an offer's hold", () => {
  it("lasts 15 minutes: open until then, closed at the instant it ends or once answered", () => {
    const made = T("2031-03-03T00:00:00Z");
    const expiresAt = offerExpiry(made);
    expect(expiresAt.toISOString()).toBe("2031-03-03T00:15:00.000Z");
    expect(offerIsOpen({ status: "open", expiresAt }, T("2031-03-03T00:14:59Z"))).toBe(true);
    expect(offerIsOpen({ status: "open", expiresAt }, expiresAt)).toBe(false);
    expect(offerIsOpen({ status: "declined", expiresAt }, made)).toBe(false);
  });
});

describe("the dates a patient may wait for", () => {
  const now = T("2031-03-02T12:00:00Z"); // 20:00 in Shanghai
  it("are whole days in the patient's zone, from today to the horizon's last day", () => {
    expect(waitlistRange("2031-03-02", "2031-03-03", "Asia/Shanghai", now, 14)).toEqual({
      ok: true,
      fromAt: T("2031-03-01T16:00:00Z"),
      untilAt: T("2031-03-03T16:00:00Z"),
    });
    expect(waitlistRange("2031-03-16", "2031-03-16", "Asia/Shanghai", now, 14).ok).toBe(true);
    expect(waitlistRange("2031-03-17", "2031-03-17", "Asia/Shanghai", now, 14)).toEqual({ ok: false, error: "waitlist.rangeOutside" });
    expect(waitlistRange("2031-03-01", "2031-03-03", "Asia/Shanghai", now, 14)).toEqual({ ok: false, error: "waitlist.rangeOutside" });
    expect(waitlistRange("2031-03-04", "2031-03-03", "Asia/Shanghai", now, 14)).toEqual({ ok: false, error: "waitlist.rangeOrder" });
  });
});
