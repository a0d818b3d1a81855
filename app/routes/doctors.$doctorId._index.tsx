import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { TimePicker } from "~/components/time-picker";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { pickerQuery } from "~/features/booking/schemas.server";
import { timePicker } from "~/features/booking/time-picker";
import { getDoctorProfile } from "~/features/directory/doctor-profile.server";
import { useT, useViewer } from "~/i18n/use-t";
import { orErrorPage } from "~/utils/domain-response.server";
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
  return json({
    doctor,
    clinicTimeZone: policy.timeZone,
    picker: timePicker(slots, { timeZone: context.timeZone, now, horizonDays: policy.bookingHorizonDays, day: query.day }),
    anyFree: slots.length > 0,
    role: context.auth.user?.role ?? null,
    horizonDays: policy.bookingHorizonDays,
  });
}

export default function DoctorProfile() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { doctor, clinicTimeZone, picker, anyFree, role, horizonDays } = useLoaderData<typeof loader>();
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
    </main>
  );
}
