import { describe, expect, it, vi } from "vitest";
import { dateTimeFormat } from "~/utils/format";

const options = { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" } as const;

describe("dateTimeFormat", () => {
  it("gives Intl's text for every instant, across New York's spring-forward night and past the texts it keeps", () => {
    const format = dateTimeFormat("en", "America/New_York", options);
    const intl = new Intl.DateTimeFormat("en", { ...options, timeZone: "America/New_York" });
    const start = Date.parse("2027-03-14T04:00:00Z");
    // 3,000 quarter hours (more than it keeps), each asked twice, the second time from a Date.
    for (let i = 0; i < 3_000; i++) {
      const instant = start + i * 15 * 60_000;
      expect(format.format(instant)).toBe(intl.format(instant));
      expect(format.format(new Date(instant))).toBe(intl.format(instant));
    }
  });

  it("is one formatter per locale, zone and options, and formats an instant it has seen without asking Intl again", () => {
    const format = dateTimeFormat("zh-CN", "Asia/Shanghai", { hour: "2-digit", minute: "2-digit" });
    expect(dateTimeFormat("zh-CN", "Asia/Shanghai", { hour: "2-digit", minute: "2-digit" })).toBe(format);
    expect(dateTimeFormat("en", "Asia/Shanghai", { hour: "2-digit", minute: "2-digit" })).not.toBe(format);
    const instant = Date.parse("2026-12-03T01:35:00Z");
    expect(format.format(instant)).toBe("09:35");
    // `format` is a getter on Intl.DateTimeFormat's prototype: every use of it reads it.
    const spy = vi.spyOn(Intl.DateTimeFormat.prototype as unknown as { format: number }, "format", "get");
    try {
      expect(format.format(instant)).toBe("09:35");
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it("refuses an invalid date as Intl does", () => {
    expect(() => dateTimeFormat("en", "UTC", options).format(Number.NaN)).toThrow(RangeError);
  });
});
