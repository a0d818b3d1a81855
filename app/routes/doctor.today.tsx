import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/features/auth/guards.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { findDoctorByUser } from "~/features/directory/doctor-profile.server";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDate, pick } from "~/utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["doctor"]);
  const [doctor, clinic] = await Promise.all([
    findDoctorByUser(context.db, user.id),
    getClinicSettings(context.db),
  ]);
  if (!doctor) throw new Response("No doctor profile", { status: 403 });
  return json({ doctor, clinicTimeZone: clinic.timeZone, now: new Date().toISOString() });
}

export default function DoctorToday() {
  const t = useT();
  const { locale } = useViewer();
  const { doctor, clinicTimeZone, now } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>{t("doctorToday.heading")}</h1>
      <p className="lead">
        {t("doctorToday.date", {
          date: formatDate(now, locale, clinicTimeZone),
          department: pick(locale, doctor.department.nameZh, doctor.department.nameEn),
        })}
      </p>
      <div className="card empty">
        <p>{t("doctorToday.empty")}</p>
      </div>
    </main>
  );
}
