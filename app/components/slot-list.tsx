import type { ReactNode } from "react";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";

export type SlotView = { start: string; end: string };

/**
 * Free slots grouped by day in the viewer's time zone; when the clinic's zone differs, each time shows
 * the clinic's time beside it. What a slot does (a link, a submit button) is the caller's.
 */
export function SlotList({
  slots,
  clinicTimeZone,
  renderSlot,
}: {
  slots: SlotView[];
  clinicTimeZone: string;
  renderSlot: (slot: SlotView, label: ReactNode) => ReactNode;
}) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const differs = !sameOffsets(timeZone, clinicTimeZone, slots);
  const days = new Map<string, SlotView[]>();
  for (const slot of slots) {
    const day = formatDateTime(slot.start, locale, timeZone, { weekday: "long", month: "long", day: "numeric" });
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  const time = (iso: string, zone: string) => formatDateTime(iso, locale, zone, { hour: "2-digit", minute: "2-digit" });
  return (
    <div className="slot-days">
      {[...days].map(([day, daySlots]) => (
        <section key={day} className="slot-day">
          <h3 className="slot-day__title">
            {day} <span className="muted">{t("doctor.slotsCount", { count: daySlots.length })}</span>
          </h3>
          <ul className="slot-grid">
            {daySlots.map((slot) => (
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
      ))}
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
