import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/features/auth/guards.server";
import { getClinicSettings } from "~/features/directory/doctor-profile.server";
import { useT } from "~/i18n/use-t";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["doctor", "staff", "admin"]);
  const clinic = await getClinicSettings(context.db);
  return json({ clinicTimeZone: clinic.timeZone });
}

export default function Availability() {
  const t = useT();
  const { clinicTimeZone } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>{t("availability.heading")}</h1>
      <p className="lead">{t("availability.lead", { timeZone: clinicTimeZone })}</p>
      <div className="card empty">
        <p>{t("availability.none")}</p>
      </div>
    </main>
  );
}
