import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SlotList } from "~/components/slot-list";
import { freeSlotsOfDoctor } from "~/features/booking/availability.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { uuidParam } from "~/features/booking/schemas.server";
import { getDoctorProfile } from "~/features/directory/doctor-profile.server";
import { useT, useViewer } from "~/i18n/use-t";
import { orErrorPage } from "~/utils/domain-response.server";
import { languageName, pick } from "~/utils/format";

const SHOWN_DAYS = 14;

export async function loader({ params, context }: LoaderFunctionArgs) {
  const doctorId = uuidParam.safeParse(params.doctorId);
  if (!doctorId.success) throw new Response("Not found", { status: 404 });
  const [doctor, policy] = await Promise.all([
    orErrorPage(getDoctorProfile(context.db, doctorId.data)),
    getBookingPolicy(context.db),
  ]);
  const now = new Date();
  const slots = await freeSlotsOfDoctor(context.db, doctor.id, policy, now, {
    until: new Date(now.getTime() + SHOWN_DAYS * 24 * 60 * 60_000),
  });
  return json({
    doctor,
    clinicTimeZone: policy.timeZone,
    slots: slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() })),
    role: context.auth.user?.role ?? null,
    days: Math.min(SHOWN_DAYS, policy.bookingHorizonDays),
  });
}

export default function DoctorProfile() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { doctor, clinicTimeZone, slots, role, days } = useLoaderData<typeof loader>();
  const bookHref = (start: string) => `/doctors/${doctor.id}/book?${new URLSearchParams({ start })}`;
  const href = (start: string) =>
    role === null ? `/login?${new URLSearchParams({ redirectTo: bookHref(start) })}` : bookHref(start);
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

      <h2>{t("doctor.freeSlotsHeading", { days })}</h2>
      <p className="muted">
        {t("doctor.timesShownIn", { timeZone })}{" "}
        {timeZone !== clinicTimeZone ? t("doctor.clinicTimeNote", { timeZone: clinicTimeZone }) : null}
      </p>
      {role === null ? <p className="notice">{t("doctor.signInToBook")}</p> : null}
      {role !== null && role !== "patient" ? <p className="notice">{t("doctor.onlyPatientsBook")}</p> : null}
      {slots.length === 0 ? (
        <p className="card empty">{t("doctor.noSlots", { days })}</p>
      ) : (
        <SlotList
          slots={slots}
          clinicTimeZone={clinicTimeZone}
          renderSlot={(slot, label) =>
            role === null || role === "patient" ? (
              <Link className="slot" to={href(slot.start)}>
                {label}
              </Link>
            ) : (
              <span className="slot slot--static">{label}</span>
            )
          }
        />
      )}
    </main>
  );
}
