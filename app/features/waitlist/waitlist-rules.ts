/**
 * The waitlist's rules as pure functions: who is next for a freed time, how long it is held, whether an
 * offer can still be answered, and which date ranges a patient may wait for.
 */
import type { OfferStatus } from "~/domain/vocabulary";
import type { Interval } from "~/features/booking/slots";
import { addDays, localDateOf, zonedToInstant } from "~/utils/zoned-time";

const MINUTE = 60_000;

/** A freed time is held for the patient it is offered to this long. */
export const OFFER_HOLD_MS = 15 * MINUTE;

export type WaitingRequest = {
  id: string;
  patientId: string;
  fromAt: Date;
  untilAt: Date;
  createdAt: Date;
};

/**
 * The request a freed time goes to: the earliest (then the smallest id, so that two requests of the same
 * instant are ordered the same way everywhere) whose range holds the whole time, that was not offered
 * this time before, that holds no other offer now (one held time per request at a time, so that new
 * hours with several times reach several patients), and whose patient is free then and is not
 * `excludedPatientId` (the patient whose own appointment freed it). Null when nobody is waiting for it.
 */
export function nextInLine(
  slot: Interval,
  waiting: readonly WaitingRequest[],
  options: {
    offeredBefore?: ReadonlySet<string>;
    holdingOffer?: ReadonlySet<string>;
    busyPatients?: ReadonlySet<string>;
    excludedPatientId?: string | null;
  } = {},
): WaitingRequest | null {
  const candidates = waiting.filter(
    (r) =>
      r.fromAt.getTime() <= slot.start.getTime() &&
      slot.end.getTime() <= r.untilAt.getTime() &&
      !options.offeredBefore?.has(r.id) &&
      !options.holdingOffer?.has(r.id) &&
      !options.busyPatients?.has(r.patientId) &&
      r.patientId !== options.excludedPatientId,
  );
  candidates.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return candidates[0] ?? null;
}

/** When an offer made at `now` stops holding its time. */
export const offerExpiry = (now: Date) => new Date(now.getTime() + OFFER_HOLD_MS);

/** An offer may be answered ("Take this time", "No thanks") while it is open and its hold lasts. */
export function offerIsOpen(offer: { status: OfferStatus; expiresAt: Date }, now: Date): boolean {
  return offer.status === "open" && now.getTime() < offer.expiresAt.getTime();
}

/** Why a waitlist range cannot be asked for (a dictionary key), or the instants it stands for. */
export type RangeCheck = { ok: true; fromAt: Date; untilAt: Date } | { ok: false; error: "waitlist.rangeOrder" | "waitlist.rangeOutside" };

/**
 * From and to dates (inclusive, in the patient's time zone) as instants [start of `from`, start of the
 * day after `to`). The range must not end before it starts, and must lie within today and the last day
 * of the booking horizon.
 */
export function waitlistRange(from: string, to: string, timeZone: string, now: Date, horizonDays: number): RangeCheck {
  if (to < from) return { ok: false, error: "waitlist.rangeOrder" };
  const today = localDateOf(now, timeZone);
  const lastDay = localDateOf(new Date(now.getTime() + horizonDays * 24 * 60 * MINUTE), timeZone);
  if (from < today || to > lastDay) return { ok: false, error: "waitlist.rangeOutside" };
  return { ok: true, fromAt: zonedToInstant(from, 0, timeZone), untilAt: zonedToInstant(addDays(to, 1), 0, timeZone) };
}

/** The dates a patient may choose from (today to the horizon's last day), for the form's min and max. */
export function waitlistDateBounds(timeZone: string, now: Date, horizonDays: number) {
  return { min: localDateOf(now, timeZone), max: localDateOf(new Date(now.getTime() + horizonDays * 24 * 60 * MINUTE), timeZone) };
}
