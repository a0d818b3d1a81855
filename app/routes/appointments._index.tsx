import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { AppointmentCard } from "~/components/appointment-card";
import { JoinPrompt } from "~/components/join-prompt";
import { OfferNotices } from "~/components/waitlist";
import { requireRole } from "~/features/auth/guards.server";
import { consumeLimit } from "~/features/auth/rate-limit.server";
import { listPatientAppointments } from "~/features/booking/appointment-access.server";
import { promptData } from "~/features/consultation/join-window";
import { offerAnswerForm } from "~/features/waitlist/schemas.server";
import { acceptOffer, declineOffer, patientWaitlist } from "~/features/waitlist/waitlist.server";
import type { MessageKey } from "~/i18n";
import { DomainError } from "~/utils/errors";
import { parseForm } from "~/utils/forms.server";
import { useT, useViewer } from "~/i18n/use-t";
import { pick } from "~/utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["patient"]);
  const now = new Date();
  const [{ upcoming, past }, waitlist] = await Promise.all([
    listPatientAppointments(context.db, user.id, now),
    patientWaitlist(context.db, user.id, now),
  ]);
  const summary = (a: (typeof upcoming)[number] | (typeof past)[number]) => ({
    id: a.id,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    status: a.status,
    doctor: a.doctor,
    department: a.department,
  });
  return json(
    {
      upcoming: upcoming.map((a) => ({ ...summary(a), join: promptData(a.join) })),
      past: past.map((a) => ({ ...summary(a), summaryReady: a.summaryReady })),
      offers: waitlist.offers.map((o) => ({ ...o, startsAt: o.startsAt.toISOString(), endsAt: o.endsAt.toISOString(), expiresAt: o.expiresAt.toISOString() })),
      now: now.toISOString(),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

type OfferActionData = { formError: MessageKey; declined?: undefined } | { declined: true; formError?: undefined };

/** A waitlist offer's answer (from here or the home page): "Take this time" books it; "No thanks" passes it on. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireRole(request, context, ["patient"]);
  const parsed = await parseForm(request, offerAnswerForm);
  if (!parsed.ok) return json<OfferActionData>({ formError: "waitlist.offerNotFound" }, { status: 400 });
  const now = new Date();
  try {
    if (parsed.data.intent === "decline") {
      await declineOffer(context.db, user.id, parsed.data.offerId, now, { clientAddress: context.clientAddress });
      return json<OfferActionData>({ declined: true });
    }
    await consumeLimit(context.db, context.limits.book(user.id));
    const { appointmentId } = await acceptOffer(context.db, user.id, parsed.data.offerId, now, {
      clientAddress: context.clientAddress,
      slots: context.slots,
      locale: context.locale,
    });
    return redirect(`/appointments/${appointmentId}?booked=1`);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return json<OfferActionData>({ formError: error.messageKey }, { status: error.status });
  }
}

export default function MyAppointments() {
  const t = useT();
  const { locale } = useViewer();
  const { upcoming, past, now, offers } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as OfferActionData | undefined;
  const notices = (
    <>
      {answer?.declined ? (
        <p className="notice" role="status">
          {t("waitlist.declined")}
        </p>
      ) : null}
      <OfferNotices offers={offers} error={answer?.formError} />
    </>
  );
  if (upcoming.length === 0 && past.length === 0) {
    return (
      <main id="main" className="page">
        <h1>{t("appointments.heading")}</h1>
        {notices}
        <div className="card empty">
          <p>{t("appointments.empty")}</p>
          <Link className="button button--primary" to="/doctors">
            {t("appointments.findDoctor")}
          </Link>
        </div>
      </main>
    );
  }
  return (
    <main id="main" className="page">
      <h1>{t("appointments.heading")}</h1>
      {notices}
      <h2>{t("appointments.upcoming")}</h2>
      {upcoming.length === 0 ? (
        <p className="muted">
          {t("appointments.noUpcoming")} <Link to="/doctors">{t("appointments.findDoctor")}</Link>
        </p>
      ) : (
        <ul className="appointment-list">
          {upcoming.map((a) => (
            <AppointmentCard key={a.id} appointment={a}>
              {a.join ? (
                <JoinPrompt appointmentId={a.id} doctorName={pick(locale, a.doctor.nameZh, a.doctor.nameEn)} prompt={a.join} now={now} />
              ) : null}
            </AppointmentCard>
          ))}
        </ul>
      )}
      {past.length > 0 ? (
        <>
          <h2>{t("appointments.past")}</h2>
          <ul className="appointment-list">
            {past.map((a) => (
              <AppointmentCard key={a.id} appointment={a} summaryReady={a.summaryReady} />
            ))}
          </ul>
        </>
      ) : null}
    </main>
  );
}
