import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/features/auth/guards.server";
import { getAppointment } from "~/features/booking/appointment-access.server";
import { buildCalendar } from "~/features/booking/calendar";
import { translator } from "~/i18n";
import { orErrorPage } from "~/utils/domain-response.server";
import { pick } from "~/utils/format";
import { idParam } from "~/utils/route-params.server";

/** The appointment as an .ics file: add it to a calendar, and download it again after a change. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  const id = idParam(params, "appointmentId");
  const a = await orErrorPage(getAppointment(context.db, user, id));
  const t = translator(context.locale);
  const doctor = `${pick(context.locale, a.doctor.nameZh, a.doctor.nameEn)} ${t(`title.${a.doctor.title}`)}`;
  const url = new URL(`/appointments/${a.id}`, request.url).toString();
  const body = buildCalendar({
    appointmentId: a.id,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    sequence: a.sequence,
    cancelled: a.status === "cancelled",
    summary: t("calendar.summary", { doctor }),
    description: t("calendar.description", { doctor, url }),
    url,
    stamp: new Date(),
    updatedAt: a.updatedAt,
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="yunzhen-${a.id.slice(0, 8)}.ics"`,
      "Cache-Control": "private, no-store",
    },
  });
}
