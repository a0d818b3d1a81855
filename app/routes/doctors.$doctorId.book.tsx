import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError, TextArea } from "~/components/field";
import { AlternativeSlots } from "~/components/slot-list";
import { requireRole } from "~/features/auth/guards.server";
import { consumeLimit } from "~/features/auth/rate-limit.server";
import { freeSlotsOfDoctor } from "~/features/booking/availability.server";
import { alternativeSlots, bookAppointment } from "~/features/booking/book-appointment.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { bookingForm, instantField } from "~/features/booking/schemas.server";
import { getDoctorProfile } from "~/features/directory/doctor-profile.server";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { failure, orErrorPage } from "~/utils/domain-response.server";
import { DomainError } from "~/utils/errors";
import { formatDateTime, pick } from "~/utils/format";
import { parseForm } from "~/utils/forms.server";
import { passOnHeaders, retryAfter } from "~/utils/headers";
import { idParam } from "~/utils/route-params.server";

export const headers = passOnHeaders;

type Alternative = { start: string; end: string };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["patient"]);
  const doctorId = idParam(params, "doctorId");
  const start = instantField.safeParse(new URL(request.url).searchParams.get("start") ?? "");
  const doctor = await orErrorPage(getDoctorProfile(context.db, doctorId));
  if (!start.success) throw redirect(`/doctors/${doctor.id}`);
  const policy = await getBookingPolicy(context.db);
  const now = new Date();
  const [slot] = await freeSlotsOfDoctor(context.db, doctor.id, policy, now, {
    from: start.data,
    until: new Date(start.data.getTime() + 60_000),
  });
  let unavailable: { formError: MessageKey; alternatives: Alternative[] } | null = null;
  if (!slot || slot.start.getTime() !== start.data.getTime()) {
    const alternatives = await alternativeSlots(context.db, { doctorId: doctor.id, startsAt: start.data }, now);
    unavailable = { formError: "booking.slotTaken", alternatives };
  }
  return json({
    doctor,
    clinicTimeZone: policy.timeZone,
    slot: slot ? { start: slot.start.toISOString(), end: slot.end.toISOString() } : null,
    idempotencyKey: crypto.randomUUID(),
    unavailable,
  });
}

type ActionData = {
  formError?: MessageKey;
  errors: Partial<Record<string, MessageKey>>;
  alternatives?: Alternative[];
  retryAfterSeconds?: number;
  values: { reason: string; symptoms: string };
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requireRole(request, context, ["patient"]);
  const doctorId = idParam(params, "doctorId");
  const parsed = await parseForm(request, bookingForm);
  const values = { reason: parsed.values.reason ?? "", symptoms: parsed.values.symptoms ?? "" };
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values }, { status: 400 });
  try {
    await consumeLimit(context.db, context.limits.book(user.id));
    const { appointmentId } = await bookAppointment(
      context.db,
      {
        patientId: user.id,
        doctorId: doctorId,
        startsAt: parsed.data.start,
        reason: parsed.data.reason,
        symptoms: parsed.data.symptoms,
        idempotencyKey: parsed.data.idempotencyKey,
      },
      new Date(),
      { clientAddress: context.clientAddress, slots: context.slots },
    );
    return redirect(`/appointments/${appointmentId}?booked=1`);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.status === 404) return failure(error);
    const wait = error.detail?.retryAfterSeconds;
    return json<ActionData>(
      {
        formError: error.messageKey,
        retryAfterSeconds: typeof wait === "number" ? wait : undefined,
        errors: {},
        alternatives: (error.detail?.alternatives as Alternative[] | undefined) ?? [],
        values,
      },
      { status: error.status, headers: retryAfter(wait) },
    );
  }
}

export default function BookAppointment() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { doctor, clinicTimeZone, slot, idempotencyKey, unavailable } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const formError = data?.formError ?? unavailable?.formError;
  const alternatives = data?.alternatives ?? unavailable?.alternatives ?? [];
  const offerMain = slot && !data?.formError;
  const when = (iso: string) =>
    formatDateTime(iso, locale, timeZone, { weekday: "long", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const clinicWhen = (iso: string) =>
    formatDateTime(iso, locale, clinicTimeZone, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const showClinic = (iso: string) => clinicWhen(iso) !== formatDateTime(iso, locale, timeZone, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("book.heading")}</h1>
      <p className="lead">
        {t("book.with", {
          doctor: `${pick(locale, doctor.nameZh, doctor.nameEn)} ${t(`title.${doctor.title}`)}`,
          department: pick(locale, doctor.department.nameZh, doctor.department.nameEn),
        })}
      </p>
      <Form method="post" className="card form" noValidate>
        {formError === "error.rateLimited" ? (
          <p className="form-error" role="alert">
            {t("error.rateLimited", { seconds: data?.retryAfterSeconds ?? 60 })}
          </p>
        ) : (
          <FormError error={formError} />
        )}
        <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
        {offerMain ? (
          <div className="field">
            <span className="field__label">{t("book.when")}</span>
            <p className="booking-time">
              <strong>{when(slot.start)}</strong>
              {showClinic(slot.start) ? (
                <span className="muted"> · {t("doctor.clinicTime", { time: clinicWhen(slot.start) })}</span>
              ) : null}
            </p>
          </div>
        ) : null}
        <TextArea
          label={t("book.reason")}
          name="reason"
          rows={3}
          maxLength={500}
          required
          hint={t("book.reasonHint")}
          defaultValue={data?.values.reason}
          error={data?.errors.reason}
        />
        <TextArea
          label={t("book.symptoms")}
          name="symptoms"
          rows={3}
          maxLength={2000}
          hint={t("book.symptomsHint")}
          defaultValue={data?.values.symptoms}
          error={data?.errors.symptoms}
        />
        <p className="muted small">{t("book.privacy")}</p>
        {offerMain ? (
          <button type="submit" name="start" value={slot.start} className="button button--primary button--block" disabled={busy}>
            {t("book.submit")}
          </button>
        ) : null}
        <AlternativeSlots alternatives={alternatives} disabled={busy} />
      </Form>
      <p className="aside">
        <Link to={`/doctors/${doctor.id}`}>{t("book.chooseAnother")}</Link>
      </p>
    </main>
  );
}
