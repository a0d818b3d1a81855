import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { requireRole } from "~/features/auth/guards.server";
import { useT } from "~/i18n/use-t";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["patient"]);
  return null;
}

export default function MyAppointments() {
  const t = useT();
  return (
    <main id="main" className="page">
      <h1>{t("appointments.heading")}</h1>
      <div className="card empty">
        <p>{t("appointments.empty")}</p>
        <Link className="button button--primary" to="/doctors">
          {t("appointments.findDoctor")}
        </Link>
      </div>
    </main>
  );
}
