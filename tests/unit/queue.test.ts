import { describe, expect, it } from "vitest";
import { nextToAdmit, queueOrder, todayCounts, type QueuePlace } from "~/features/consultation/queue";

const at = (hhmm: string) => `2026-12-01T${hhmm}:00.000Z`;
const place = (id: string, start: string, checkedIn: string, present: boolean): QueuePlace => ({ id, startsAt: at(start), checkedInAt: at(checkedIn), present });

describe("who is admitted next", () => {
  it("admits the first patient in the queue who is here, passing over one who left the page", () => {
    const waiting = [place("first-but-away", "09:00", "08:50", false), place("second-here", "09:10", "09:02", true), place("third-here", "09:20", "09:00", true)];
    expect(nextToAdmit(waiting)).toBe("second-here");
  });

  it("goes by appointment time, then check-in, whatever order the list came in", () => {
    const waiting = [place("later-time-came-early", "09:30", "09:01", true), place("same-time-second", "09:00", "09:06", true), place("same-time-first", "09:00", "09:04", true)];
    expect(nextToAdmit(waiting)).toBe("same-time-first");
    expect([...waiting].sort(queueOrder).map((p) => p.id)).toEqual(["same-time-first", "same-time-second", "later-time-came-early"]);
  });

  it("admits nobody when nobody waiting is here, or nobody waits", () => {
    expect(nextToAdmit([place("away", "09:00", "08:55", false)])).toBeNull();
    expect(nextToAdmit([])).toBeNull();
  });
});

describe("the day at a glance", () => {
  it("counts waiting (and how many are here), in a call, to come, seen, no-shows and cancellations", () => {
    const here = { present: true };
    const away = { present: false };
    expect(
      todayCounts([
        { status: "checked_in", presence: here },
        { status: "checked_in", presence: away },
        { status: "checked_in", presence: null },
        { status: "in_consultation", presence: here },
        { status: "booked", presence: here },
        { status: "booked", presence: null },
        { status: "completed", presence: null },
        { status: "no_show", presence: null },
        { status: "cancelled", presence: null },
        { status: "cancelled", presence: null },
      ]),
    ).toEqual({ waiting: 3, here: 1, inCall: 1, toCome: 2, seen: 1, noShow: 1, cancelled: 2 });
  });
});
