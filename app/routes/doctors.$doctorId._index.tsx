import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { SlotList } from "~/components/slot-list";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { slotsByDay } from "~/features/booking/slot-days";
import { getDoctorProfile } from "~/features/directory/doctor-profile.server";
import { useT, useViewer } from "~/i18n/use-t";
import { orErrorPage } from "~/utils/domain-response.server";
import { languageName, pick } from "~/utils/format";
import { idParam } from "~/utils/route-params.server";

const SHOWN_DAYS = 14;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const doctorId = idParam(params, "doctorId");
  const [doctor, policy] = await Promise.all([
    orErrorPage(getDoctorProfile(context.db, doctorId)),
    getBookingPolicy(context.db),
  ]);
  const now = new Date();
  const slots = await context.slots.slotsOf(doctor.id, policy, now, new Date(now.getTime() + SHOWN_DAYS * 24 * 60 * 60_000));
  const requestedDay = new URL(request.url).searchParams.get("day");
  return json({
    doctor,
    clinicTimeZone: policy.timeZone,
    ...slotsByDay(slots, context.timeZone, requestedDay),
    role: context.auth.user?.role ?? null,
    shownDays: Math.min(SHOWN_DAYS, policy.bookingHorizonDays),
  });
}

export default function DoctorProfile() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { doctor, clinicTimeZone, days, day, slots, role, shownDays } = useLoaderData<typeof loader>();
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

      <h2>{t("doctor.freeSlotsHeading", { days: shownDays })}</h2>
      <p className="muted">
        {t("doctor.timesShownIn", { timeZone })}{" "}
        {timeZone !== clinicTimeZone ? t("doctor.clinicTimeNote", { timeZone: clinicTimeZone }) : null}
      </p>
      {role === null ? <p className="notice">{t("doctor.signInToBook")}</p> : null}
      {role !== null && role !== "patient" ? <p className="notice">{t("doctor.onlyPatientsBook")}</p> : null}
      {days.length === 0 ? (
        <p className="card empty">{t("doctor.noSlots", { days: shownDays })}</p>
      ) : (
        // Choosing a time opens the booking form for it (someone not signed in is asked to sign in
        // first and comes back to it): one form, a button a slot.
        <Form method="get" action={`/doctors/${doctor.id}/book`}>
          <SlotList
            days={days}
            day={day}
            slots={slots}
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
