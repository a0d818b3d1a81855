import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { JoinModeBadge, StatusBadge } from "~/components/appointment-card";
import { useDelegatedLinks } from "~/components/use-delegated-links";
import { useLiveState } from "~/components/use-live-stream";
import { useClock } from "~/components/use-clock";
import { requireRole } from "~/features/auth/guards.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { todayAction } from "~/features/consult-notes/schemas.server";
import { readDoctorToday } from "~/features/consultation/doctor-today.server";
import { todayCounts, type TodayCounts } from "~/features/consultation/queue";
import { admitNext } from "~/features/consultation/room.server";
import { invitedConsultations } from "~/features/consultation/participants.server";
import { findDoctorByUser } from "~/features/directory/doctor-profile.server";
import { applyPresenceToToday, applyToToday, todayOrder, type TodayAppointment } from "~/features/live/apply-change";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { failure } from "~/utils/domain-response.server";
import { dateTimeFormat, formatDate, pick } from "~/utils/format";
import { addDays, localDateOf, zonedToInstant } from "~/utils/zoned-time";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["doctor"]);
  const [doctor, clinic] = await Promise.all([findDoctorByUser(context.db, user.id), getClinicSettings(context.db)]);
  if (!doctor) throw new Response("No doctor profile", { status: 403 });
  const now = new Date();
  const today = localDateOf(now, clinic.timeZone);
  const from = zonedToInstant(today, 0, clinic.timeZone);
  // The clinic's day, and rooms that open before it ends (at 23:55 the patient of 00:00 is today's too).
  const midnight = zonedToInstant(addDays(today, 1), 0, clinic.timeZone);
  const until = new Date(Math.max(midnight.getTime(), now.getTime() + clinic.joinOpensMinutesBefore * 60_000));
  const [appointments, invitations]: [TodayAppointment[], Awaited<ReturnType<typeof invitedConsultations>>] = await Promise.all([
    readDoctorToday(context.db, doctor.id, { from, until }, clinic, now),
    invitedConsultations(context.db, user.id, now),
  ]);
  return json(
    {
      doctor,
      clinicTimeZone: clinic.timeZone,
      now: now.toISOString(),
      day: { from: from.toISOString(), until: until.toISOString() },
      appointments: appointments.sort(todayOrder),
      invitations,
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

/** "Admit next": the server chooses (the first patient in the queue who is here) and opens their room. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireRole(request, context, ["doctor"]);
  const parsed = todayAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ formError: "error.form" as MessageKey }, { status: 400 });
  try {
    const { appointmentId } = await admitNext(context.db, user, { clientAddress: context.clientAddress });
    return redirect(`/consult/${appointmentId}`);
  } catch (error) {
    return failure(error);
  }
}

export default function DoctorToday() {
  const t = useT();
  const { locale } = useViewer();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { formError?: MessageKey; detail?: { appointmentId?: string } } | undefined;
  const busy = useNavigation().state !== "idle";
  const { doctor, clinicTimeZone, day } = data;
  // What the loader read, then every pushed change (appointments, patients coming and going) applied in place.
  const [appointments] = useLiveState(data.appointments, data.now, (list, change) => applyToToday(list, change, day), applyPresenceToToday);
  const now = useClock(data.now);
  const onListClick = useDelegatedLinks();
  const timeFormat = dateTimeFormat(locale, clinicTimeZone, { hour: "2-digit", minute: "2-digit" });
  const time = (iso: string) => timeFormat.format(Date.parse(iso));
  const counts = todayCounts(appointments);
  const shown = appointments.filter((a) => a.status !== "cancelled");
  const cancelled = appointments.filter((a) => a.status === "cancelled");
  const row = (a: TodayAppointment) => (
    <li key={a.id} className="card appointment-card" data-status={a.status} data-appointment-id={a.id} data-present={a.presence?.present ? "yes" : "no"}>
      <div className="appointment-card__when">
        <strong>
          {time(a.startsAt)}–{time(a.endsAt)}
        </strong>
        <StatusBadge status={a.status} />
        {a.status === "checked_in" && a.checkedInAt ? (
          <span className="muted small">
            {t("consult.waitingSince", { minutes: Math.max(0, Math.floor((now - Date.parse(a.checkedInAt)) / 60_000)) })}
          </span>
        ) : null}
      </div>
      <div>
        <strong>{a.patientName}</strong> <Presence appointment={a} time={time} /> <JoinModeBadge mode={a.joinMode} />
        {a.status === "completed" && !a.noteSigned ? <span className="note-unsigned">{t("doctorToday.noteUnsigned")}</span> : null}
        <p className="muted small prewrap">{a.reason}</p>
      </div>
      <a className="button button--small" href={`/consult/${a.id}`}>
        {t("consult.open")}
      </a>
    </li>
  );
  return (
    <main id="main" className="page">
      <h1>{t("doctorToday.heading")}</h1>
      <p className="lead">
        {t("doctorToday.date", {
          date: formatDate(data.now, locale, clinicTimeZone),
          department: pick(locale, doctor.department.nameZh, doctor.department.nameEn),
        })}
      </p>
      {data.invitations.length > 0 ? (
        <section className="card invitations" aria-labelledby="invitations-heading">
          <h2 id="invitations-heading">{t("participants.invitedHeading")}</h2>
          <ul className="invitations__list">
            {data.invitations.map((i) => (
              <li key={i.appointmentId} data-status={i.status}>
                <strong>
                  {time(i.startsAt)}–{time(i.endsAt)}
                </strong>{" "}
                <StatusBadge status={i.status} />{" "}
                {t("participants.invitedBy", { doctor: pick(locale, i.doctorNameZh, i.doctorNameEn), patient: i.patientName })}{" "}
                <a className="button button--small button--primary" href={`/consult/${i.appointmentId}`}>
                  {t("participants.joinAsColleague")}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {appointments.length === 0 ? (
        <div className="card empty">
          <p>{t("doctorToday.empty")}</p>
        </div>
      ) : (
        <>
          <section className="card today-queue" aria-label={t("doctorToday.counts")}>
            <DayCounts counts={counts} />
            <Form method="post" className="today-queue__next">
              <button type="submit" name="intent" value="admitNext" className="button button--primary" disabled={busy || counts.here === 0}>
                {t("doctorToday.admitNext")}
              </button>
              <span className="muted small">{counts.waiting > 0 && counts.here === 0 ? t("doctorToday.nobodyHere") : t("doctorToday.admitNextHint")}</span>
            </Form>
            {actionData?.formError ? (
              <p className="form-error" role="alert">
                {t(actionData.formError)}{" "}
                {actionData.detail?.appointmentId ? <Link to={`/consult/${actionData.detail.appointmentId}`}>{t("doctorToday.backToCall")}</Link> : null}
              </p>
            ) : null}
          </section>
          {/* A doctor's day has dozens of rows: plain links, one click handler for the list. */}
          <ul className="appointment-list" onClick={onListClick}>
            {shown.map(row)}
          </ul>
          {cancelled.length > 0 ? (
            <details className="today-cancelled">
              <summary>{t("doctorToday.cancelledFolded", { count: cancelled.length })}</summary>
              <ul className="appointment-list" onClick={onListClick}>
                {cancelled.map(row)}
              </ul>
            </details>
          ) : null}
        </>
      )}
    </main>
  );
}

/** Whether a waiting patient is on their room's page now, or since when they are away (booked ones: only when here early). */
function Presence({ appointment: a, time }: { appointment: TodayAppointment; time: (iso: string) => string }) {
  const t = useT();
  if (a.status !== "checked_in" && !(a.status === "booked" && a.presence?.present)) return null;
  if (a.presence?.present) return <span className="presence presence--here">{t("doctorToday.here")}</span>;
  return (
    <span className="presence presence--away">
      {a.presence?.since ? t("doctorToday.awaySince", { time: time(a.presence.since) }) : t("doctorToday.notHere")}
    </span>
  );
}

/** The day at a glance, in the order a doctor works through it: waiting (and here), in a call, still to come, seen, missed. */
function DayCounts({ counts }: { counts: TodayCounts }) {
  const t = useT();
  const items: [string, MessageKey, number, string?][] = [
    ["checked_in", "doctorToday.waitingCount", counts.waiting, counts.waiting > 0 ? t("doctorToday.hereCount", { count: counts.here }) : undefined],
    ["in_consultation", "doctorToday.inCallCount", counts.inCall],
    ["booked", "doctorToday.toComeCount", counts.toCome],
    ["completed", "doctorToday.seenCount", counts.seen],
    ["no_show", "doctorToday.noShowCount", counts.noShow],
  ];
  return (
    <ul className="day-counts">
      {items.map(([status, label, count, extra]) => (
        <li key={status} data-status={status} data-count={count}>
          <span className="day-counts__label">{t(label)}</span> <strong>{count}</strong>
          {extra ? <span className="muted small">({extra})</span> : null}
        </li>
      ))}
    </ul>
  );
}
