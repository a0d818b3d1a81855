import type { DoctorTitle } from "~/domain/vocabulary";
import { useT, useViewer } from "~/i18n/use-t";
import { pick } from "~/utils/format";

/** Someone invited into a consultation, as the room's data lists them (participants.server.ts). */
export type ParticipantEntry = {
  id: string;
  kind: "colleague" | "companion";
  status: "invited" | "waiting" | "admitted" | "removed";
  peer: string;
  name: string | null;
  doctor: { nameZh: string; nameEn: string; title: DoctorTitle; departmentZh: string; departmentEn: string } | null;
};

/** A participant's name as the room shows it: a colleague's name, title and department; a companion's given name. */
export function useParticipantName() {
  const t = useT();
  const { locale } = useViewer();
  return (p: Pick<ParticipantEntry, "kind" | "name" | "doctor">) =>
    p.doctor
      ? `${pick(locale, p.doctor.nameZh, p.doctor.nameEn)} ${t(`title.${p.doctor.title}`)} · ${pick(locale, p.doctor.departmentZh, p.doctor.departmentEn)}`
      : (p.name ?? t("participants.companionUnnamed"));
}

