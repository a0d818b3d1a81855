import { Form } from "@remix-run/react";
import type { DoctorTitle } from "~/domain/vocabulary";
import type { Participant } from "~/features/live/events";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { pick } from "~/utils/format";
import { CopyableLink } from "../copyable-link";
import { CompanionInvite, ParticipantsSection } from "./companion-invite";
import { useParticipantName, type ParticipantEntry } from "./participant-name";

export type ColleagueChoice = { id: string; nameZh: string; nameEn: string; title: DoctorTitle; departmentZh: string; departmentEn: string };

const STATUS_WORD: Record<ParticipantEntry["status"], MessageKey> = {
  invited: "participants.status.invited",
  waiting: "participants.status.waiting",
  admitted: "participants.status.admitted",
  removed: "participants.status.removed",
};

/**
 * Who takes part besides the patient and the doctor (会诊, a companion), and the ways to change it: the
 * doctor invites a colleague (picked by name, grouped by department), admits a waiting companion and
 * removes anyone; the patient invites one companion with a one-time guest link, shown once.
 */
export function ParticipantsPanel(props: {
  role: Participant;
  participants: ParticipantEntry[];
  colleagues: ColleagueChoice[];
  mayInviteColleague: boolean;
  mayInviteCompanion: boolean;
  companionLink: string | null;
  busy: boolean;
}) {
  const t = useT();
  const { locale } = useViewer();
  const nameOf = useParticipantName();
  const { role, participants } = props;
  const listed = participants.filter((p) => p.status !== "removed" || role === "doctor");
  if (listed.length === 0 && !props.mayInviteColleague && !props.mayInviteCompanion && !props.companionLink) return null;
  // The colleagues by department, in the reader's language.
  const departments = new Map<string, ColleagueChoice[]>();
  for (const c of props.colleagues) {
    const department = pick(locale, c.departmentZh, c.departmentEn);
    departments.set(department, [...(departments.get(department) ?? []), c]);
  }
  return (
    <ParticipantsSection>
      {listed.length > 0 ? (
        <ul className="participants__list">
          {listed.map((p) => (
            <li key={p.id} className={`participants__item participants__item--${p.status}`} data-participant={p.kind}>
              <span className="participants__name">{nameOf(p)}</span>{" "}
              <span className="muted">
                {t(p.kind === "colleague" ? "participants.role.colleague" : "participants.role.companion")} · {t(STATUS_WORD[p.status])}
              </span>
              {role === "doctor" && p.status !== "removed" ? (
                <Form method="post" replace className="participants__actions">
                  <input type="hidden" name="participantId" value={p.id} />
                  {p.status === "waiting" ? (
                    <button type="submit" name="intent" value="admitParticipant" className="button button--primary" disabled={props.busy}>
                      {t("participants.admit")}
                    </button>
                  ) : null}
                  <button type="submit" name="intent" value="removeParticipant" className="button button--danger" disabled={props.busy}>
                    {t("participants.remove")}
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {props.mayInviteColleague && props.colleagues.length > 0 ? (
        <Form method="post" replace className="participants__invite">
          <div className="field">
            <label htmlFor="invite-colleague">{t("participants.colleagueLabel")}</label>
            <select id="invite-colleague" name="doctorId" required defaultValue="">
              <option value="" disabled>
                {t("participants.colleaguePick")}
              </option>
              {[...departments].map(([department, doctors]) => (
                <optgroup key={department} label={department}>
                  {doctors.map((c) => (
                    <option key={c.id} value={c.id}>
                      {pick(locale, c.nameZh, c.nameEn)} {t(`title.${c.title}`)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <button type="submit" name="intent" value="inviteColleague" className="button" disabled={props.busy}>
            {t("participants.inviteColleague")}
          </button>
        </Form>
      ) : null}
      {props.companionLink ? (
        <div className="participants__link">
          <CopyableLink id="companion-link" link={props.companionLink} label="participants.companionLink" hint="participants.companionLinkHint" />
        </div>
      ) : props.mayInviteCompanion ? (
        <CompanionInvite busy={props.busy} />
      ) : null}
    </ParticipantsSection>
  );
}
