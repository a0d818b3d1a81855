import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { SlotDay, SlotView } from "~/features/booking/slot-days";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";

export type { SlotView };

/**
 * Free slots a day at a time: a strip of the days that have free slots (in the viewer's time zone, with
 * how many), and the chosen day's slots. When the clinic's zone differs, each time shows the clinic's
 * time beside it. What a slot does (a link, a submit button) is the caller's; `dayHref` links a day.
 */
export function SlotList({
  days,
  day,
  slots,
  clinicTimeZone,
  dayHref,
  renderSlot,
}: {
  days: SlotDay[];
  day: string | null;
  slots: SlotView[];
  clinicTimeZone: string;
  dayHref: (date: string) => string;
  renderSlot: (slot: SlotView, label: ReactNode) => ReactNode;
}) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const differs = !sameOffsets(timeZone, clinicTimeZone, slots);
  // A local date at noon UTC names the same calendar day in every zone within ±12 h.
  const dayLabel = (date: string, options: Intl.DateTimeFormatOptions) => formatDateTime(`${date}T12:00:00Z`, locale, "UTC", options);
  const time = (iso: string, zone: string) => formatDateTime(iso, locale, zone, { hour: "2-digit", minute: "2-digit" });
  return (
    <div className="slot-days">
      <nav className="day-strip" aria-label={t("doctor.chooseDay")}>
        {days.map((d) => (
          <Link
            key={d.date}
            to={dayHref(d.date)}
            className={d.date === day ? "day-strip__day day-strip__day--current" : "day-strip__day"}
            aria-current={d.date === day ? "date" : undefined}
            preventScrollReset
            replace
          >
            <span className="day-strip__weekday">{dayLabel(d.date, { weekday: "short" })}</span>
            <span className="day-strip__date">{dayLabel(d.date, { month: "numeric", day: "numeric" })}</span>
            <span className="day-strip__count">{t("doctor.slotsCount", { count: d.count })}</span>
          </Link>
        ))}
      </nav>
      {day ? (
        <section className="slot-day">
          <h3 className="slot-day__title">
            {dayLabel(day, { weekday: "long", month: "long", day: "numeric" })}{" "}
            <span className="muted">{t("doctor.slotsCount", { count: slots.length })}</span>
          </h3>
          <ul className="slot-grid">
            {slots.map((slot) => (
              <li key={slot.start} data-start={slot.start}>
                {renderSlot(
                  slot,
                  <>
                    <span className="slot__time">{time(slot.start, timeZone)}</span>
                    {differs ? (
                      <span className="slot__clinic">
                        {t("doctor.clinicTime", {
                          time: formatDateTime(slot.start, locale, clinicTimeZone, {
                            month: "numeric",
                            day: "numeric",
                            hour: "2-digit",
                            minute: "2-digit",
                          }),
                        })}
                      </span>
                    ) : null}
                  </>,
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

/** Two zones "differ" for the viewer when any of these instants reads differently on their clocks. */
function sameOffsets(a: string, b: string, slots: SlotView[]): boolean {
  if (a === b) return true;
  const sample = slots.length ? [slots[0]!.start, slots[slots.length - 1]!.start] : [new Date().toISOString()];
  return sample.every(
    (iso) => formatDateTime(iso, "en", a, { dateStyle: "short", timeStyle: "short" }) === formatDateTime(iso, "en", b, { dateStyle: "short", timeStyle: "short" }),
  );
}

/** The nearest free times offered when the chosen one was taken: each a submit button of the form around it. */
export function AlternativeSlots({ alternatives, disabled }: { alternatives: SlotView[]; disabled: boolean }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  if (alternatives.length === 0) return null;
  return (
    <fieldset className="alternatives">
      <legend>{t("book.alternatives")}</legend>
      <div className="slot-grid">
        {alternatives.map((a) => (
          <button key={a.start} type="submit" name="start" value={a.start} className="slot" disabled={disabled}>
            <span className="slot__time">
              {formatDateTime(a.start, locale, timeZone, { weekday: "long", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" })}
            </span>
          </button>
        ))}
      </div>
    </fieldset>
  );
}
