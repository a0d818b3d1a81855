import ICAL from "ical.js";

/** Reads the one event of an .ics file with ical.js, an independent RFC 5545 parser. */
export function readEvent(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = calendar.getFirstSubcomponent("vevent");
  if (!vevent) throw new Error("no VEVENT");
  const event = new ICAL.Event(vevent);
  return {
    calendar,
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    description: event.description,
    start: event.startDate.toJSDate(),
    end: event.endDate.toJSDate(),
    status: String(vevent.getFirstPropertyValue("status")),
    url: String(vevent.getFirstPropertyValue("url")),
    method: String(calendar.getFirstPropertyValue("method")),
    version: String(calendar.getFirstPropertyValue("version")),
  };
}
