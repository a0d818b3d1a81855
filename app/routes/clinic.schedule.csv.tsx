import type { LoaderFunctionArgs } from "@remix-run/node";
import { recordAudit } from "~/features/audit/record-audit.server";
import { requireRole } from "~/features/auth/guards.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { csvLine } from "~/features/clinic-schedule/csv";
import { loadClinicDay } from "~/features/clinic-schedule/schedule.server";
import { scheduleQuery } from "~/features/clinic-schedule/schemas.server";
import { translator } from "~/i18n";
import { formatDateTime, pick } from "~/utils/format";
import { localDateOf } from "~/utils/zoned-time";

/** The day's schedule as CSV (UTF-8 with a byte-order mark, so that spreadsheets read Chinese right). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["staff", "admin"]);
  const query = scheduleQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const clinic = await getClinicSettings(context.db);
  const date = query.date ?? localDateOf(new Date(), clinic.timeZone);
  const day = await loadClinicDay(context.db, date, clinic.timeZone, {
    departmentCode: query.department,
    doctorId: query.doctor,
    status: query.status,
  });
  const t = translator(context.locale);
  const time = (d: Date | null) => (d ? formatDateTime(d, "en", clinic.timeZone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "");
  let rows = 0;
  let body = "\uFEFF" + csvLine([
    t("schedule.date"),
    t("schedule.department"),
    t("schedule.doctor"),
    t("schedule.csv.start"),
    t("schedule.csv.end"),
    t("schedule.status"),
    t("appointment.patient"),
    t("schedule.csv.checkedIn"),
    t("schedule.csv.admitted"),
  ]);
  for (const group of day.departments) {
    for (const doctor of group.doctors) {
      for (const a of doctor.appointments) {
        rows++;
        body += csvLine([
          date,
          pick(context.locale, group.department.nameZh, group.department.nameEn),
          pick(context.locale, doctor.nameZh, doctor.nameEn),
          time(a.startsAt),
          time(a.endsAt),
          t(`status.${a.status}`),
          a.patientName,
          time(a.checkedInAt),
          time(a.admittedAt),
        ]);
      }
    }
  }
  await recordAudit(context.db, {
    actorId: user.id,
    actorRole: user.role,
    action: "schedule.exported",
    entityType: "clinic_schedule",
    entityId: date,
    clientAddress: context.clientAddress,
    detail: { date, department: query.department ?? null, doctorId: query.doctor ?? null, status: query.status ?? null, rows },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="clinic-schedule-${date}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
