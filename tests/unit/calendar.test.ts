import { describe, expect, it } from "vitest";
import { appointmentUid, buildCalendar, type CalendarEvent } from "~/features/booking/calendar";
import { readEvent } from "../helpers/ical";

const event: CalendarEvent = {
  appointmentId: "3b8532fa-bc90-459f-b998-f86436bee0db",
  startsAt: new Date("2031-03-03T01:00:00Z"),
  endsAt: new Date("2031-03-03T01:15:00Z"),
  sequence: 0,
  cancelled: false,
  summary: "与李明华 主任医师的视频问诊; follow-up, please",
  description: "云诊视频问诊，医生：李明华 主任医师。打开预约页面进入问诊：https://clinic.example/appointments/3b8532fa-bc90-459f-b998-f86436bee0db",
  url: "https://clinic.example/appointments/3b8532fa-bc90-459f-b998-f86436bee0db",
  stamp: new Date("2031-02-01T08:00:00Z"),
  updatedAt: new Date("2031-02-01T07:59:00Z"),
};

describe("the calendar file of an appointment", () => {
  it("parses with an independent iCalendar library into the appointment's time, doctor and link", () => {
    const parsed = readEvent(buildCalendar(event));
    expect(parsed.version).toBe("2.0");
    expect(parsed.method).toBe("PUBLISH");
    expect(parsed.uid).toBe(appointmentUid(event.appointmentId));
    expect(parsed.start.getTime()).toBe(event.startsAt.getTime());
    expect(parsed.end.getTime()).toBe(event.endsAt.getTime());
    expect(parsed.summary).toBe(event.summary);
    expect(parsed.description).toBe(event.description);
    expect(parsed.url).toBe(event.url);
    expect(parsed.status).toBe("CONFIRMED");
    expect(parsed.sequence).toBe(0);
  });

  it("keeps its UID across changes, raises SEQUENCE and says CANCELLED after a cancel", () => {
    const moved = readEvent(buildCalendar({ ...event, sequence: 1, startsAt: new Date("2031-03-03T02:00:00Z"), endsAt: new Date("2031-03-03T02:15:00Z") }));
    const cancelled = readEvent(buildCalendar({ ...event, sequence: 2, cancelled: true }));
    expect(moved.uid).toBe(appointmentUid(event.appointmentId));
    expect(cancelled.uid).toBe(moved.uid);
    expect([moved.sequence, cancelled.sequence]).toEqual([1, 2]);
    expect(cancelled.status).toBe("CANCELLED");
  });

  it("uses CRLF line ends and folds long lines at 75 octets without splitting a character", () => {
    const ics = buildCalendar(event);
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of ics.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(ics).not.toContain("\uFFFD");
  });

  it("escapes text so that commas and semicolons in a name cannot break the file", () => {
    const ics = buildCalendar(event);
    expect(ics).toContain("视频问诊\\; follow-up\\, please");
  });
});
