import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { StatusBadge } from "~/components/appointment-card";
import { DeviceTest } from "~/components/consultation/device-test";
import { FormError, TextArea } from "~/components/field";
import { requireUser } from "~/features/auth/guards.server";
import { readAppointment } from "~/features/booking/appointment-access.server";
import { cancelAppointment } from "~/features/booking/change-appointment.server";
import { changeDeadline, isActive, mayCancelOrReschedule, mayJoin, mayTakeStep } from "~/features/booking/appointment-policy";
import { joinWindow } from "~/features/consultation/join-window";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { noteStatus, visitSummary } from "~/features/consult-notes/notes.server";
import { changeRoomState } from "~/features/consultation/room.server";
import { createJoinLink } from "~/features/consultation/join-links.server";
import { JoinLinkBox } from "~/components/join-link-box";
import { attachmentRefusal, Attachments } from "~/components/attachments";
import { listAttachments } from "~/features/attachments/attachments.server";
import { mayAttach, mayViewAttachments } from "~/features/attachments/attachment-policy";
import { cancelForm } from "~/features/booking/schemas.server";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { failure, orErrorPage } from "~/utils/domain-response.server";
import { formatDateTime, pick } from "~/utils/format";
import { parseForm } from "~/utils/forms.server";
import { homeFor } from "~/features/auth/roles";
import { readProfile } from "~/features/patient-record/patient-record.server";
import { isProfileComplete } from "~/features/patient-record/record-policy";

/** Where "back" leads on an appointment's page: each person's own list of appointments. */
const BACK_TO = { patient: "nav.myAppointments", doctor: "nav.today", staff: "nav.clinicSchedule", admin: "nav.clinicSchedule", guest: "app.name" } as const;
import { idParam } from "~/utils/route-params.server";
import { useParticipantName } from "~/components/consultation/participant-name";

function appointmentId(params: { appointmentId?: string }) {
  const id = idParam(params, "appointmentId");
  return id;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  const appointment = await orErrorPage(readAppointment(context.db, user, appointmentId(params), { clientAddress: context.clientAddress }));
  const settings = await getClinicSettings(context.db);
  const now = new Date();
  const isStaff = user.role === "staff" || user.role === "admin";
  // Just booked: the patient is asked for what their doctor will want to know, if they never said.
  const justBooked = user.role === "patient" && new URL(request.url).searchParams.has("booked");
  const [summary, note, profile, attachments] = await Promise.all([
    user.role === "patient" ? visitSummary(context.db, appointment.id) : null,
    isStaff ? noteStatus(context.db, appointment.id) : null,
    justBooked ? readProfile(context.db, user.id) : null,
    // Its patient's and its doctor's photos and files: theirs only (clinic staff do not see them).
    mayViewAttachments(user, appointment) ? listAttachments(context.db, appointment.id) : null,
  ]);
  const change = mayCancelOrReschedule(appointment, user, settings, now);
  const join = mayJoin(appointment, user, settings, now);
  return json(
    {
      appointment: {
        id: appointment.id,
        startsAt: appointment.startsAt.toISOString(),
        endsAt: appointment.endsAt.toISOString(),
        status: appointment.status,
        reason: appointment.reason,
        symptoms: appointment.symptoms,
        cancelledAt: appointment.cancelledAt?.toISOString() ?? null,
        cancellationReason: appointment.cancellationReason,
        doctor: appointment.doctor,
        department: appointment.department,
        patientName: appointment.patient.displayName,
      },
      clinicTimeZone: settings.timeZone,
      deadline: changeDeadline(appointment, settings).toISOString(),
      changeable: change.allowed,
      tooLate: !change.allowed && change.reason === "pastCutoff",
      viewerRole: user.role,
      // Its patient and its doctor are shown the way in: open inside the join window, or when it opens.
      join: join.allowed
        ? { open: true as const }
        : join.reason === "outsideJoinWindow" && now < join.opensAt
          ? { open: false as const, opensAt: join.opensAt.toISOString() }
          : null,
      // Its patient may make a personal join link while it is active; it opens the room from here.
      joinLinkFrom: user.role === "patient" && isActive(appointment.status) ? joinWindow(appointment, settings).opensAt.toISOString() : null,
      summary,
      note,
      canMarkNoShow: mayTakeStep("noShow", appointment, user, settings, now).allowed,
      askProfile: profile ? !isProfileComplete(profile) : false,
      attachments,
      mayAttach: attachments ? mayAttach(user, appointment, attachments.length).allowed : false,
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

type ActionData = { formError?: MessageKey; errors: Partial<Record<string, MessageKey>>; joinLink?: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requireUser(request, context);
  const id = appointmentId(params);
  const intent = new URL(request.url).searchParams.get("intent");
  if (intent === "joinLink") {
    try {
      const token = await createJoinLink(context.db, user, id, { clientAddress: context.clientAddress });
      // Shown once (only its hash is kept), never cached.
      return json<ActionData>({ errors: {}, joinLink: `${new URL(request.url).origin}/join/${token}` }, { headers: { "Cache-Control": "no-store" } });
    } catch (error) {
      return failure(error);
    }
  }
  if (intent === "noShow") {
    try {
      await changeRoomState(context.db, user, id, "noShow", { clientAddress: context.clientAddress });
    } catch (error) {
      return failure(error);
    }
    return redirect(`/appointments/${id}`);
  }
  const parsed = await parseForm(request, cancelForm);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors }, { status: 400 });
  try {
    await cancelAppointment(context.db, user, { appointmentId: id, reason: parsed.data.reason }, new Date(), {
      clientAddress: context.clientAddress,
    });
  } catch (error) {
    return failure(error);
  }
  return redirect(`/appointments/${id}?cancelled=1`);
}

export default function AppointmentPage() {
  const t = useT();
  const participantName = useParticipantName();
  const { locale, timeZone } = useViewer();
  const { appointment: a, clinicTimeZone, deadline, changeable, tooLate, viewerRole, join, joinLinkFrom, summary, note, canMarkNoShow, askProfile, attachments, mayAttach } =
    useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const refusal = attachmentRefusal(params.get("attachError"));
  const full = (iso: string, zone: string) =>
    formatDateTime(iso, locale, zone, { weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const end = formatDateTime(a.endsAt, locale, timeZone, { hour: "2-digit", minute: "2-digit" });
  return (
    <main id="main" className="page page--narrow">
      <p className="no-print">
        <Link to={homeFor(viewerRole)}>← {t(BACK_TO[viewerRole])}</Link>
      </p>
      {params.get("booked") ? (
        <p className="notice" role="status">
          {t("appointments.booked")}
        </p>
      ) : null}
      {askProfile ? (
        <p className="notice no-print">
          {t("profile.askAfterBooking")} <Link to="/account/profile">{t("profile.heading")} →</Link>
        </p>
      ) : null}
      {params.get("rescheduled") ? (
        <p className="notice" role="status">
          {t("appointment.rescheduledNotice")}
        </p>
      ) : null}
      {params.get("cancelled") ? (
        <p className="notice" role="status">
          {t("appointment.cancelledNotice")}
        </p>
      ) : null}
      {/* On paper: whose record this is, and from where. */}
      <p className="print-only">
        {t("app.name")} · {t("appointment.patient")}: {a.patientName}
      </p>
      <h1>
        {t("appointment.heading")} <StatusBadge status={a.status} />
      </h1>
      <dl className="card details">
        <dt>{t("appointment.doctor")}</dt>
        <dd>
          {pick(locale, a.doctor.nameZh, a.doctor.nameEn)} · {t(`title.${a.doctor.title}`)} ·{" "}
          {pick(locale, a.department.nameZh, a.department.nameEn)}
        </dd>
        {viewerRole !== "patient" ? (
          <>
            <dt>{t("appointment.patient")}</dt>
            <dd>{a.patientName}</dd>
          </>
        ) : null}
        <dt>{t("appointment.time")}</dt>
        <dd>
          <strong>{t("appointment.yourTime", { time: `${full(a.startsAt, timeZone)}–${end}` })}</strong>
          {timeZone !== clinicTimeZone ? (
            <div className="muted">
              {t("appointment.clinicTime", { time: full(a.startsAt, clinicTimeZone), timeZone: clinicTimeZone })}
            </div>
          ) : null}
        </dd>
        <dt>{t("appointment.reason")}</dt>
        <dd className="prewrap">{a.reason}</dd>
        {a.symptoms ? (
          <>
            <dt>{t("appointment.symptoms")}</dt>
            <dd className="prewrap">{a.symptoms}</dd>
          </>
        ) : null}
        {a.cancelledAt ? (
          <>
            <dt>{t("appointment.status")}</dt>
            <dd>{t("appointment.cancelledOn", { date: full(a.cancelledAt, timeZone), reason: a.cancellationReason ?? "" })}</dd>
          </>
        ) : null}
      </dl>

      {refusal ? (
        <p className="form-error" role="alert">
          {params.get("booked") ? t("attachments.failedAfterBooking", { reason: t(refusal) }) : t(refusal)}
        </p>
      ) : null}
      {attachments ? (
        <div id="attachments">
          <Attachments
            appointmentId={a.id}
            items={attachments}
            mayAttach={mayAttach}
            attachLabel={viewerRole === "doctor" ? "attachments.attachToSummary" : "attachments.attach"}
          />
        </div>
      ) : null}

      {join ? (
        <div className="card join-box">
          {join.open ? (
            <Link className="button button--primary button--block" to={`/consult/${a.id}`}>
              {t("consult.join")}
            </Link>
          ) : (
            <p className="muted">{t("consult.joinOpensAt", { time: full(join.opensAt, timeZone) })}</p>
          )}
        </div>
      ) : null}

      {/* Any time before the consultation, not only inside the join window. */}
      {viewerRole === "patient" && isActive(a.status) ? <DeviceTest /> : null}

      {joinLinkFrom ? <JoinLinkBox appointmentId={a.id} opensAt={joinLinkFrom} link={data?.joinLink ?? null} /> : null}

      {summary ? (
        <section className="card summary" id="summary" aria-labelledby="summary-heading">
          <h2 id="summary-heading">{t("summary.heading")}</h2>
          <dl className="details">
            <dt>{t("summary.diagnosis")}</dt>
            <dd className="prewrap">{summary.diagnosis}</dd>
            <dt>{t("summary.plan")}</dt>
            <dd className="prewrap">{summary.plan}</dd>
            <dt>{t("summary.advice")}</dt>
            <dd className="prewrap">{summary.advice}</dd>
            {summary.tookPart.length > 0 ? (
              <>
                <dt>{t("summary.alsoPresent")}</dt>
                <dd>
                  {summary.tookPart.map((p) => `${participantName(p)} · ${t(p.kind === "colleague" ? "participants.role.colleague" : "participants.role.companion")}`).join("; ")}
                </dd>
              </>
            ) : null}
          </dl>
          <p className="muted small">
            {t("summary.signedBy", {
              doctor: pick(locale, a.doctor.nameZh, a.doctor.nameEn),
              date: full(summary.signedAt, timeZone),
            })}
          </p>
          <div className="actions no-print">
            <button type="button" className="button" onClick={() => window.print()}>
              {t("summary.print")}
            </button>
          </div>
        </section>
      ) : null}

      {viewerRole === "patient" && a.status === "completed" ? (
        <section className="card follow-up no-print">
          <p className="muted">{t("summary.followUpHint", { doctor: pick(locale, a.doctor.nameZh, a.doctor.nameEn) })}</p>
          <Link className="button button--primary" to={`/doctors/${a.doctor.id}`}>
            {t("summary.followUp")}
          </Link>
        </section>
      ) : null}

      {note ? (
        <p className="card">
          <strong>{t("notes.staffStatus")}: </strong>
          {note.signedAt
            ? t("notes.statusSigned", { date: full(note.signedAt, timeZone) })
            : note.exists
              ? t("notes.statusDraft")
              : t("notes.statusNone")}
        </p>
      ) : null}

      <div className="actions">
        {a.status !== "cancelled" ? (
          <a className="button" href={`/appointments/${a.id}/calendar.ics`} download>
            {t("appointment.addToCalendar")}
          </a>
        ) : null}
        {canMarkNoShow ? (
          <Form method="post" action={`/appointments/${a.id}?intent=noShow`}>
            <button type="submit" className="button" disabled={busy}>
              {t("consult.markNoShow")}
            </button>
          </Form>
        ) : null}
        {changeable ? (
          <Link className="button" to={`/appointments/${a.id}/reschedule`}>
            {t("appointment.reschedule")}
          </Link>
        ) : null}
      </div>
      {changeable && viewerRole === "patient" ? (
        <p className="muted small">{t("appointment.changeDeadline", { time: full(deadline, timeZone) })}</p>
      ) : null}
      {tooLate ? <p className="muted">{t("appointment.tooLateToChange")}</p> : null}

      {changeable ? (
        <details className="card cancel-box" open={Boolean(data && !data.joinLink)}>
          <summary>{t("appointment.cancel")}</summary>
          <Form method="post" className="form" noValidate>
            <FormError error={data?.formError} />
            <TextArea
              label={t("appointment.cancelReason")}
              name="reason"
              rows={2}
              maxLength={500}
              required
              hint={t("appointment.cancelHint")}
              error={data?.errors.reason}
            />
            <button type="submit" className="button button--danger" disabled={busy}>
              {t("appointment.confirmCancel")}
            </button>
          </Form>
        </details>
      ) : null}
    </main>
  );
}
