import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { TimePicker } from "~/components/time-picker";
import { WaitlistForm } from "~/components/waitlist";
import { requireRole } from "~/features/auth/guards.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { pickerQuery } from "~/features/booking/schemas.server";
import { timePicker } from "~/features/booking/time-picker";
import { getDoctorProfile } from "~/features/directory/doctor-profile.server";
import { waitlistForm } from "~/features/waitlist/schemas.server";
import { joinWaitlist, leaveWaitlist, waitingRequest } from "~/features/waitlist/waitlist.server";
import { waitlistDateBounds } from "~/features/waitlist/waitlist-rules";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { orErrorPage } from "~/utils/domain-response.server";
import { DomainError } from "~/utils/errors";
import { parseForm } from "~/utils/forms.server";
import { localDateOf } from "~/utils/zoned-time";
import { languageName, pick } from "~/utils/format";
import { idParam } from "~/utils/route-params.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const doctorId = idParam(params, "doctorId");
  const [doctor, policy] = await Promise.all([
    orErrorPage(getDoctorProfile(context.db, doctorId)),
    getBookingPolicy(context.db),
  ]);
  const query = pickerQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const now = new Date();
  // The whole horizon (the free-slot index holds it in memory); the page gets one week and one day of it.
  const slots = await context.slots.slotsOf(doctor.id, policy, now);
  const user = context.auth.user;
  // "Tell me about earlier times": a signed-in patient's form, with their request for this doctor if any.
  const waiting = user?.role === "patient" ? await waitingRequest(context.db, user.id, doctor.id) : null;
  const waitlist =
    user?.role === "patient"
      ? {
          waiting: waiting && {
            from: localDateOf(waiting.fromAt, context.timeZone),
            to: localDateOf(new Date(waiting.untilAt.getTime() - 1), context.timeZone),
            reason: waiting.reason,
          },
          bounds: waitlistDateBounds(context.timeZone, now, policy.bookingHorizonDays),
        }
      : null;
  return json({
    waitlist,
    doctor,
    clinicTimeZone: policy.timeZone,
    picker: timePicker(slots, { timeZone: context.timeZone, now, horizonDays: policy.bookingHorizonDays, day: query.day }),
    anyFree: slots.length > 0,
    role: context.auth.user?.role ?? null,
    horizonDays: policy.bookingHorizonDays,
  });
}

type WaitlistActionData = {
  formError?: MessageKey;
  errors?: Partial<Record<string, MessageKey>>;
  done?: "joined" | "left";
  values?: Record<string, string>;
};

/** "Tell me about earlier times" (join, or change the dates) and "Stop waiting". */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requireRole(request, context, ["patient"]);
  const doctorId = idParam(params, "doctorId");
  const parsed = await parseForm(request, waitlistForm);
  if (!parsed.ok) return json<WaitlistActionData>({ formError: "error.form", errors: parsed.errors, values: parsed.values }, { status: 400 });
  const now = new Date();
  try {
    if (parsed.data.intent === "leave") {
      await leaveWaitlist(context.db, user.id, doctorId, now, { clientAddress: context.clientAddress });
      return json<WaitlistActionData>({ done: "left" });
    }
    await joinWaitlist(
      context.db,
      user.id,
      { doctorId, from: parsed.data.from, to: parsed.data.to, reason: parsed.data.reason, timeZone: context.timeZone },
      now,
      { clientAddress: context.clientAddress },
    );
    return json<WaitlistActionData>({ done: "joined" });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return json<WaitlistActionData>({ formError: error.messageKey, values: parsed.values }, { status: error.status });
  }
}

export default function DoctorProfile() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { doctor, clinicTimeZone, picker, anyFree, role, horizonDays, waitlist } = useLoaderData<typeof loader>();
  const waitlistResult = useActionData<typeof action>() as WaitlistActionData | undefined;
  return (
    <main id="main" className="page">
      <p>
        <Link to={`/doctors?department=${doctor.department.code}`}>← {t("doctor.backToList")}</Link>
      </p>
      <section className="card doctor-card doctor-card--profile">
        <div className="doctor-card__avatar" aria-hidden="true">
          {doctor.nameZh.slice(0, 1)}
        </div>
        <div>
          <h1 className="doctor-card__name">
            {pick(locale, doctor.nameZh, doctor.nameEn)}
            <span className="doctor-card__title">{t(`title.${doctor.title}`)}</span>
          </h1>
          <p className="doctor-card__department">{pick(locale, doctor.department.nameZh, doctor.department.nameEn)}</p>
          <p className="tags">
            {doctor.specialties.map((s) => (
              <span key={s.en} className="tag">
                {pick(locale, s.zh, s.en)}
              </span>
            ))}
          </p>
          <p>{pick(locale, doctor.bioZh, doctor.bioEn)}</p>
          <p className="muted">
            {t("doctors.languages")}:{" "}
            {doctor.languages.map((code) => languageName(code, locale)).join(locale === "zh-CN" ? "、" : ", ")}
            {" · "}
            {t("doctors.consultationLength", { minutes: doctor.minutes })}
          </p>
        </div>
      </section>

      <h2>{t("doctor.freeSlotsHeading", { days: horizonDays })}</h2>
      <p className="muted">
        {t("doctor.timesShownIn", { timeZone })}{" "}
        {timeZone !== clinicTimeZone ? t("doctor.clinicTimeNote", { timeZone: clinicTimeZone }) : null}
      </p>
      {role === null ? <p className="notice">{t("doctor.signInToBook")}</p> : null}
      {role !== null && role !== "patient" ? <p className="notice">{t("doctor.onlyPatientsBook")}</p> : null}
      {!anyFree ? (
        <p className="card empty">{t("doctor.noSlots", { days: horizonDays })}</p>
      ) : (
        // Choosing a time opens the booking form for it (someone not signed in is asked to sign in
        // first and comes back to it): one form, a button a slot.
        <Form method="get" action={`/doctors/${doctor.id}/book`}>
          <TimePicker
            picker={picker}
            clinicTimeZone={clinicTimeZone}
            dayHref={(date) => `/doctors/${doctor.id}?day=${date}`}
            renderSlot={(slot, label) =>
              role === null || role === "patient" ? (
                <button type="submit" name="start" value={slot.start} className="slot">
                  {label}
                </button>
              ) : (
                <span className="slot slot--static">{label}</span>
              )
            }
          />
        </Form>
      )}
      {waitlist ? <WaitlistForm state={waitlist} result={waitlistResult} /> : null}
    </main>
  );
}
