import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/features/auth/guards.server";
import { getAppointment } from "~/features/booking/appointment-access.server";
import { appointmentCalendar } from "~/features/booking/appointment-calendar.server";
import { orErrorPage } from "~/utils/domain-response.server";
import { idParam } from "~/utils/route-params.server";

/** The appointment as an .ics file: add it to a calendar, and download it again after a change. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  const id = idParam(params, "appointmentId");
  const a = await orErrorPage(getAppointment(context.db, user, id));
  const url = new URL(`/appointments/${a.id}`, request.url).toString();
  const body = appointmentCalendar(a, context.locale, url, new Date());
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="yunzhen-${a.id.slice(0, 8)}.ics"`,
      "Cache-Control": "private, no-store",
    },
  });
}
