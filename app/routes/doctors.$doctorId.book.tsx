import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError, TextArea } from "~/components/field";
import { AlternativeSlots, ConfirmChange, changeWording } from "~/components/time-picker";
import { requireRole } from "~/features/auth/guards.server";
import { consumeLimit } from "~/features/auth/rate-limit.server";
import { freeSlotsOfDoctor } from "~/features/booking/availability.server";
import { alternativeSlots, bookAppointment } from "~/features/booking/book-appointment.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { alternativeStepForm, bookingForm, instantField } from "~/features/booking/schemas.server";
import { getDoctorProfile } from "~/features/directory/doctor-profile.server";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { failure, orErrorPage } from "~/utils/domain-response.server";
import { DomainError } from "~/utils/errors";
import { formatDateTime, pick } from "~/utils/format";
import { parseFields } from "~/utils/forms.server";
import { attachFiles, prepareFiles, type PreparedFile } from "~/features/attachments/attachments.server";
import { readFormWithFiles } from "~/features/attachments/upload.server";
import { ACCEPTED_TYPES, MAX_FILES_PER_UPLOAD } from "~/features/attachments/file-check";
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
    unavailable: unavailable && { ...unavailable, taken: start.data.toISOString() },
  });
}

type ActionData = {
  formError?: MessageKey;
  errors: Partial<Record<string, MessageKey>>;
  alternatives?: Alternative[];
  retryAfterSeconds?: number;
  values: { reason: string; symptoms: string };
  /** The time found taken, that the alternatives stand in for. */
  taken?: string;
  /** An alternative chosen, asked about before it is booked. */
  confirm?: string;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requireRole(request, context, ["patient"]);
  const doctorId = idParam(params, "doctorId");
  // The form may carry photos and files for the doctor (read once, checked before anything is booked).
  let form: Awaited<ReturnType<typeof readFormWithFiles>>;
  try {
    form = await readFormWithFiles(request, "file", MAX_FILES_PER_UPLOAD);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return json<ActionData>({ errors: { file: error.messageKey }, values: { reason: "", symptoms: "" } }, { status: error.status });
  }
  // Choosing one of the nearest free times (or asking for them again) books nothing: it asks first.
  const step = parseFields(form.formData, alternativeStepForm);
  if ("choose" in step.values || "back" in step.values) {
    const values = { reason: step.values.reason ?? "", symptoms: step.values.symptoms ?? "" };
    if (!step.ok) return json<ActionData>({ formError: "error.slotInvalid", errors: {}, values }, { status: 400 });
    const taken = step.data.taken.toISOString();
    if ("choose" in step.data) return json<ActionData>({ confirm: step.data.choose.toISOString(), taken, errors: {}, values });
    const alternatives = await alternativeSlots(context.db, { doctorId, startsAt: step.data.taken }, new Date());
    return json<ActionData>({ formError: "booking.slotTaken", alternatives, taken, errors: {}, values });
  }
  const parsed = parseFields(form.formData, bookingForm);
  const values = { reason: parsed.values.reason ?? "", symptoms: parsed.values.symptoms ?? "" };
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values }, { status: 400 });
  let files: PreparedFile[] = [];
  try {
    if (form.files.length > 0) {
      await consumeLimit(context.db, context.limits.upload(user.id));
      files = await prepareFiles(form.files);
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return json<ActionData>({ errors: { file: error.messageKey }, values }, { status: error.status });
  }
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
      { clientAddress: context.clientAddress, slots: context.slots, locale: context.locale },
    );
    // The booking stands whatever becomes of its files; a file refused now is said on its page.
    const attached = files.length
      ? await attachFiles(context.db, user, appointmentId, files, { clientAddress: context.clientAddress }).then(
          () => null,
          (error: unknown) => (error instanceof DomainError ? error.messageKey : "attachments.unreadable"),
        )
      : null;
    return redirect(`/appointments/${appointmentId}?booked=1${attached ? `&attachError=${attached}#attachments` : ""}`);
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
        taken: parsed.data.start.toISOString(),
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
  const confirm = data?.confirm;
  const formError = confirm ? undefined : (data?.formError ?? unavailable?.formError);
  const alternatives = confirm ? [] : (data?.alternatives ?? unavailable?.alternatives ?? []);
  const taken = data?.taken ?? unavailable?.taken;
  const offerMain = slot && !data?.formError && !confirm;
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
      <Form method="post" encType="multipart/form-data" className="card form" noValidate>
        {formError === "error.rateLimited" ? (
          <p className="form-error" role="alert">
            {t("error.rateLimited", { seconds: data?.retryAfterSeconds ?? 60 })}
          </p>
        ) : (
          <FormError error={formError} />
        )}
        <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
        {taken ? <input type="hidden" name="taken" value={taken} /> : null}
        {confirm && taken ? <AlternativeQuestion taken={taken} chosen={confirm} busy={busy} /> : null}
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
        <div className={data?.errors.file ? "field field--invalid" : "field"}>
          <label htmlFor="book-files">{t("attachments.attach")}</label>
          <input
            id="book-files"
            type="file"
            name="file"
            accept={ACCEPTED_TYPES}
            multiple
            aria-describedby={data?.errors.file ? "book-files-hint book-files-error" : "book-files-hint"}
            aria-invalid={data?.errors.file ? true : undefined}
          />
          <p className="field__hint" id="book-files-hint">
            {t("attachments.bookingHint")}
          </p>
          {data?.errors.file ? (
            <p className="field__error" id="book-files-error" role="alert">
              {t(data.errors.file)}
            </p>
          ) : null}
        </div>
        <p className="muted small">{t("book.privacy")}</p>
        {offerMain ? (
          <button type="submit" name="start" value={slot.start} className="button button--primary button--block" disabled={busy}>
            {t("book.submit")}
          </button>
        ) : null}
        <AlternativeSlots alternatives={alternatives} name="choose" disabled={busy} />
      </Form>
      <p className="aside">
        <Link to={`/doctors/${doctor.id}`}>{t("book.chooseAnother")}</Link>
      </p>
    </main>
  );
}

/** "14:45 is taken. Book 14:30 instead?": Confirm books it (with the reason typed above), or back to the list. */
function AlternativeQuestion({ taken, chosen, busy }: { taken: string; chosen: string; busy: boolean }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const words = changeWording(taken, chosen, locale, timeZone);
  return (
    <ConfirmChange
      question={t("book.confirmAlternative", { from: words.from, to: words.to })}
      detail={words.day}
      confirm={
        <button type="submit" name="start" value={chosen} className="button button--primary" disabled={busy}>
          {t("picker.confirm")}
        </button>
      }
      back={
        <button type="submit" name="back" value="1" className="button" disabled={busy} formNoValidate>
          {t("book.chooseAnother")}
        </button>
      }
    />
  );
}
