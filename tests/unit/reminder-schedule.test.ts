import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, messagesFor, remindersFor, retryDelayMs, skipReason } from "~/features/notifications/message-kinds";
import { reminderChannelsForm } from "~/features/accounts/schemas.server";

const HOUR = 60 * 60_000;
const START = new Date("2031-03-03T01:00:00Z"); // 09:00 in Shanghai
const before = (ms: number) => new Date(START.getTime() - ms);
const plan = (now: Date) => messagesFor("booking_confirmed", START, now, true).map((m) => [m.kind, m.sendAt.toISOString()]);

describe("what a booking queues, and when", () => {
  it("a booking two days ahead: the confirmation now, reminders 24 hours and 15 minutes before", () => {
    const now = before(48 * HOUR);
    expect(plan(now)).toEqual([
      ["booking_confirmed", now.toISOString()],
      ["reminder_24h", "2031-03-02T01:00:00.000Z"],
      ["reminder_15m", "2031-03-03T00:45:00.000Z"],
    ]);
  });

  it("a booking made 10 hours before gets no 24-hour reminder (it would come late)", () => {
    expect(plan(before(10 * HOUR)).map(([kind]) => kind)).toEqual(["booking_confirmed", "reminder_15m"]);
  });

  it("a booking made 10 minutes before gets the confirmation alone", () => {
    expect(plan(before(10 * 60_000)).map(([kind]) => kind)).toEqual(["booking_confirmed"]);
  });

  it("a reminder due exactly now is not queued as if ahead", () => {
    expect(remindersFor(START, before(24 * HOUR)).map((m) => m.kind)).toEqual(["reminder_15m"]);
  });

  it("a cancellation queues its notice and no reminder", () => {
    expect(messagesFor("cancelled", START, before(48 * HOUR), false).map((m) => m.kind)).toEqual(["cancelled"]);
  });
});

describe("retries", () => {
  it("wait 1, 2, 4, 8, 16 minutes after each failure, never more than an hour", () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n) / 60_000)).toEqual([1, 2, 4, 8, 16]);
    expect(retryDelayMs(20)).toBe(HOUR);
    expect(MAX_ATTEMPTS).toBe(6);
  });
});

describe("a due message is not sent after all", () => {
  const patient = { notifyEmail: true, notifySms: false, phone: null };
  const booked = { status: "booked", startsAt: START };

  it("when the patient turned its channel off, or has no phone for SMS", () => {
    expect(skipReason({ kind: "reminder_24h", channel: "email" }, { ...patient, notifyEmail: false }, booked, before(HOUR))).toBe("channel_off");
    expect(skipReason({ kind: "reminder_24h", channel: "sms" }, { ...patient, notifySms: true }, booked, before(HOUR))).toBe("channel_off");
    expect(skipReason({ kind: "reminder_24h", channel: "email" }, patient, booked, before(HOUR))).toBeNull();
  });

  it("when its appointment was cancelled, except the cancellation itself", () => {
    const cancelled = { status: "cancelled", startsAt: START };
    expect(skipReason({ kind: "reminder_15m", channel: "email" }, patient, cancelled, before(HOUR))).toBe("appointment_cancelled");
    expect(skipReason({ kind: "cancelled", channel: "email" }, patient, cancelled, before(HOUR))).toBeNull();
  });

  it("when a reminder would arrive after the start (a worker that was down), but a visit summary still goes", () => {
    expect(skipReason({ kind: "reminder_15m", channel: "email" }, patient, booked, START)).toBe("too_late");
    expect(skipReason({ kind: "summary_ready", channel: "email" }, patient, { status: "completed", startsAt: START }, new Date(START.getTime() + HOUR))).toBeNull();
  });
});

describe("the account's reminder channels", () => {
  it("keep a phone number as E.164 however it was typed", () => {
    expect(reminderChannelsForm.parse({ notifyEmail: "on", phone: "+86 138-0013 8000" })).toEqual({ notifyEmail: true, notifySms: false, phone: "+8613800138000" });
  });

  it("refuse SMS without a number, and a number without a country code", () => {
    expect(reminderChannelsForm.safeParse({ notifySms: "on", phone: "" }).error?.issues[0]).toMatchObject({ path: ["phone"], message: "error.smsNeedsPhone" });
    expect(reminderChannelsForm.safeParse({ phone: "13800138000" }).error?.issues[0]).toMatchObject({ path: ["phone"], message: "error.phoneInvalid" });
  });

  it("turn email off when its box is not ticked", () => {
    expect(reminderChannelsForm.parse({})).toEqual({ notifyEmail: false, notifySms: false, phone: null });
  });
});
