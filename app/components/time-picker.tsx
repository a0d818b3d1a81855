import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { SlotView, TimePickerView } from "~/features/booking/time-picker";
import type { Locale } from "~/domain/vocabulary";
import { useT, useViewer } from "~/i18n/use-t";
import { dateTimeFormat, formatDateTime } from "~/utils/format";
import { localDateOf } from "~/utils/zoned-time";

export type { SlotView };

/** A local date at noon UTC names the same calendar day in every zone within ±12 h. */
const noonOf = (date: string) => Date.parse(`${date}T12:00:00Z`);
const dayLabel = (date: string, locale: Locale, options: Intl.DateTimeFormatOptions) => dateTimeFormat(locale, "UTC", options).format(noonOf(date));

/**
 * A doctor's free times for thumbs: a strip of seven days (weekday, date, how many left; days without
 * any shown but not links), earlier and later weeks, and the chosen day's times by morning, afternoon
 * and evening, the first few of each at once and the rest behind "More times" (a `<details>`: it opens
 * in place, with or without JavaScript). Links carry `?day=` (`dayHref`); what a time does is the
 * caller's (`renderSlot`). When the clinic's zone differs, each time shows the clinic's beside it.
 */
export function TimePicker({
  picker,
  clinicTimeZone,
  dayHref,
  renderSlot,
}: {
  picker: TimePickerView;
  clinicTimeZone: string;
  dayHref: (date: string) => string;
  renderSlot: (slot: SlotView, label: ReactNode) => ReactNode;
}) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { days, day, parts, count, earlier, later } = picker;
  const differs = !sameOffsets(timeZone, clinicTimeZone, parts.flatMap((p) => p.shown));
  const time = (iso: string) => formatDateTime(iso, locale, timeZone, { hour: "2-digit", minute: "2-digit" });
  const clinicTime = (iso: string) =>
    formatDateTime(iso, locale, clinicTimeZone, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const slotItem = (slot: SlotView) => (
    <li key={slot.start} data-start={slot.start}>
      {renderSlot(
        slot,
        <>
          <span className="slot__time">{time(slot.start)}</span>
          {differs ? <span className="slot__clinic">{t("doctor.clinicTime", { time: clinicTime(slot.start) })}</span> : null}
        </>,
      )}
    </li>
  );
  const weekStep = (date: string | null, which: "earlier" | "later") =>
    date ? (
      <Link to={dayHref(date)} className={`week-nav__step week-nav__step--${which}`} data-week={which} preventScrollReset replace>
        {which === "earlier" ? `‹ ${t("picker.earlierWeek")}` : `${t("picker.laterWeek")} ›`}
      </Link>
    ) : (
      <span className={`week-nav__step week-nav__step--${which}`} />
    );
  return (
    <div className="time-picker">
      <div className="week-nav">
        {weekStep(earlier, "earlier")}
        <span className="week-nav__range">
          {/* Not formatRange: Node's and the browsers' ICU space its dash differently, and hydration would fail. */}
          {dayLabel(days[0]!.date, locale, { month: "short", day: "numeric" })} – {dayLabel(days.at(-1)!.date, locale, { month: "short", day: "numeric" })}
        </span>
        {weekStep(later, "later")}
      </div>
      <nav className="day-strip" aria-label={t("doctor.chooseDay")}>
        {days.map((d) => {
          const content = (
            <>
              <span className="day-strip__weekday">{dayLabel(d.date, locale, { weekday: "short" })}</span>
              <span className="day-strip__date">{dayLabel(d.date, locale, { month: "numeric", day: "numeric" })}</span>
              <span className="day-strip__count">{d.count > 0 ? t("picker.left", { count: d.count }) : t("picker.none")}</span>
            </>
          );
          return d.count > 0 ? (
            <Link
              key={d.date}
              to={dayHref(d.date)}
              data-day={d.date}
              className={d.date === day ? "day-strip__day day-strip__day--current" : "day-strip__day"}
              aria-current={d.date === day ? "date" : undefined}
              preventScrollReset
              replace
            >
              {content}
            </Link>
          ) : (
            <span key={d.date} className="day-strip__day day-strip__day--none" aria-disabled="true">
              {content}
            </span>
          );
        })}
      </nav>
      {day ? (
        // Keyed by the day: "More times" opened on one day is closed on the next.
        <section key={day} className="slot-day">
          <h3 className="slot-day__title">
            {dayLabel(day, locale, { weekday: "long", month: "long", day: "numeric" })}{" "}
            <span className="muted">{t("doctor.slotsCount", { count })}</span>
          </h3>
          {parts.map((p) => (
            <section key={p.part} className="day-part" data-part={p.part}>
              <h4 className="day-part__title">{t(`picker.${p.part}`)}</h4>
              <ul className="slot-grid">{p.shown.map(slotItem)}</ul>
              {p.more.length > 0 ? (
                <details className="more-times">
                  <summary className="more-times__toggle">
                    <span className="more-times__closed">{t("picker.moreTimes", { count: p.more.length })}</span>
                    <span className="more-times__open">{t("picker.fewerTimes")}</span>
                  </summary>
                  <ul className="slot-grid">{p.more.map(slotItem)}</ul>
                </details>
              ) : null}
            </section>
          ))}
        </section>
      ) : (
        <p className="card empty">{t(later ? "picker.noneThisWeekLater" : "picker.noneThisWeek")}</p>
      )}
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

/**
 * The two times of a change ("Move from 14:45 to 14:30?") as the viewer reads them: times only when both
 * are on one day (then `day` names it), else each with its date.
 */
export function changeWording(fromIso: string, toIso: string, locale: Locale, timeZone: string) {
  const sameDay = localDateOf(Date.parse(fromIso), timeZone) === localDateOf(Date.parse(toIso), timeZone);
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { weekday: "short", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" };
  return {
    from: formatDateTime(fromIso, locale, timeZone, options),
    to: formatDateTime(toIso, locale, timeZone, options),
    day: sameDay ? formatDateTime(toIso, locale, timeZone, { weekday: "long", month: "long", day: "numeric" }) : null,
  };
}

/**
 * The nearest free times offered when the chosen one was taken: submit buttons named `name` of the form
 * around them, which lead to a question, never straight to a change.
 */
export function AlternativeSlots({ alternatives, name, disabled }: { alternatives: SlotView[]; name: string; disabled: boolean }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  if (alternatives.length === 0) return null;
  return (
    <fieldset className="alternatives">
      <legend>{t("book.alternatives")}</legend>
      <ul className="slot-grid">
        {alternatives.map((a) => (
          <li key={a.start} data-alternative={a.start}>
            <button type="submit" name={name} value={a.start} className="slot" disabled={disabled} formNoValidate>
              <span className="slot__time">
                {formatDateTime(a.start, locale, timeZone, { weekday: "short", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" })}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** A question before a change of time, with the button that makes it and the way back. */
export function ConfirmChange({ question, detail, confirm, back }: { question: string; detail?: ReactNode; confirm: ReactNode; back: ReactNode }) {
  return (
    <section className="card confirm-change" aria-live="polite">
      <p className="confirm-change__question">{question}</p>
      {detail ? <p className="confirm-change__detail muted">{detail}</p> : null}
      <div className="confirm-change__actions">
        {confirm}
        {back}
      </div>
    </section>
  );
}
