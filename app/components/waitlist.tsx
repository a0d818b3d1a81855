import { Form, useNavigation } from "@remix-run/react";
import type { DoctorTitle } from "~/domain/vocabulary";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime, pick } from "~/utils/format";
import { Field, FormError, TextArea } from "./field";

type WaitlistState = {
  /** The patient's waiting request for this doctor (dates in their zone), or null. */
  waiting: { from: string; to: string; reason: string } | null;
  bounds: { min: string; max: string };
};

type WaitlistResult = { formError?: MessageKey; errors?: Partial<Record<string, MessageKey>>; done?: "joined" | "left"; values?: Record<string, string> };

/** "Tell me about earlier times" on a doctor's profile: from and to dates, the reason to book with, and "Stop waiting". */
export function WaitlistForm({ state, result }: { state: WaitlistState; result?: WaitlistResult }) {
  const t = useT();
  const { locale } = useViewer();
  const busy = useNavigation().state !== "idle";
  const values = result?.values;
  // A calendar date as words ("Dec 2, 2026", "2026年12月2日"): noon UTC of that date, read in UTC.
  const day = (date: string) => formatDateTime(`${date}T12:00:00Z`, locale, "UTC", { dateStyle: "medium" });
  const waiting = state.waiting;
  return (
    <section className="card waitlist" aria-labelledby="waitlist-heading">
      <h2 id="waitlist-heading">{t("waitlist.heading")}</h2>
      <p className="muted">{t("waitlist.lead")}</p>
      {result?.done ? (
        <p className="notice" role="status">
          {t(result.done === "joined" ? "waitlist.joined" : "waitlist.left")}
        </p>
      ) : null}
      {waiting ? <p data-waitlist-waiting="">{t("waitlist.waiting", { from: day(waiting.from), to: day(waiting.to) })}</p> : null}
      <Form method="post" className="form waitlist__form">
        <FormError error={result?.formError} />
        <div className="waitlist__dates">
          <Field
            label={t("waitlist.from")}
            name="from"
            type="date"
            required
            min={state.bounds.min}
            max={state.bounds.max}
            defaultValue={values?.from ?? waiting?.from ?? state.bounds.min}
            error={result?.errors?.from}
          />
          <Field
            label={t("waitlist.to")}
            name="to"
            type="date"
            required
            min={state.bounds.min}
            max={state.bounds.max}
            defaultValue={values?.to ?? waiting?.to ?? state.bounds.max}
            error={result?.errors?.to}
          />
        </div>
        <TextArea
          label={t("book.reason")}
          name="reason"
          required
          minLength={5}
          maxLength={500}
          rows={2}
          defaultValue={values?.reason ?? waiting?.reason ?? ""}
          error={result?.errors?.reason}
        />
        <div className="waitlist__actions">
          <button type="submit" name="intent" value="join" className="button button--primary" disabled={busy}>
            {t(waiting ? "waitlist.update" : "waitlist.submit")}
          </button>
          {waiting ? (
            <button type="submit" name="intent" value="leave" className="button" formNoValidate disabled={busy}>
              {t("waitlist.leave")}
            </button>
          ) : null}
        </div>
      </Form>
    </section>
  );
}

export type OfferView = {
  id: string;
  startsAt: string;
  expiresAt: string;
  doctor: { nameZh: string; nameEn: string; title: DoctorTitle };
  department: { nameZh: string; nameEn: string };
};

/**
 * A freed time held for the patient: the doctor, the time, until when it is held, "Take this time" and
 * "No thanks". The answer goes to My appointments' action, wherever the notice is shown.
 */
export function OfferNotices({ offers, error }: { offers: OfferView[]; error?: MessageKey | null }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const busy = useNavigation().state !== "idle";
  if (offers.length === 0 && !error) return null;
  return (
    <>
      <FormError error={error} />
      {offers.map((offer) => (
        <section key={offer.id} className="card offer-notice" aria-labelledby={`offer-${offer.id}`} data-offer={offer.id}>
          <h2 id={`offer-${offer.id}`}>{t("waitlist.offerHeading")}</h2>
          <p className="offer-notice__what">
            {t("waitlist.offerText", {
              doctor: `${pick(locale, offer.doctor.nameZh, offer.doctor.nameEn)} ${t(`title.${offer.doctor.title}`)}`,
              department: pick(locale, offer.department.nameZh, offer.department.nameEn),
              time: formatDateTime(offer.startsAt, locale, timeZone, { dateStyle: "full", timeStyle: "short" }),
            })}
          </p>
          <p className="muted">{t("waitlist.heldUntil", { until: formatDateTime(offer.expiresAt, locale, timeZone, { timeStyle: "short" }) })}</p>
          <Form method="post" action="/appointments" className="offer-notice__actions">
            <input type="hidden" name="offerId" value={offer.id} />
            <button type="submit" name="intent" value="take" className="button button--primary" disabled={busy}>
              {t("waitlist.take")}
            </button>
            <button type="submit" name="intent" value="decline" className="button" disabled={busy}>
              {t("waitlist.decline")}
            </button>
          </Form>
        </section>
      ))}
    </>
  );
}
