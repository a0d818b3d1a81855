import { useFetcher } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { ACCEPTED_TYPES, MAX_FILES_PER_APPOINTMENT } from "~/features/attachments/file-check";
import type { AttachmentView } from "~/features/live/events";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

/** Why a file was refused, as the form's answer names it. */
const REFUSALS = [
  "attachments.empty",
  "attachments.tooLarge",
  "attachments.notAccepted",
  "attachments.unreadable",
  "attachments.heicUnreadable",
  "attachments.full",
  "attachments.tooMany",
  "attachments.closed",
] as const satisfies readonly MessageKey[];

/** A refusal carried in a page's address (`?attachError=`, after a form posted without script): one of `REFUSALS`, or null. */
export function attachmentRefusal(key: string | null): MessageKey | null {
  return (REFUSALS as readonly string[]).find((refusal) => refusal === key) as MessageKey | undefined ?? null;
}

type UploadResult = { ok: true; added: AttachmentView[] } | { ok: false; formError: MessageKey };

/**
 * An appointment's photos and files (its patient's, and its doctor's for the visit summary): thumbnails
 * that open full size, PDFs that download, and, for whoever may attach now, "Attach photo or file" (the
 * camera or the gallery on a phone). The upload goes beside the page (a fetcher): a call or a half-typed
 * message around it is not disturbed. What it answers is shown at once; the other side's page hears of
 * it live (the room) or on its next read.
 */
export function Attachments({
  appointmentId,
  items,
  mayAttach,
  attachLabel = "attachments.attach",
}: {
  appointmentId: string;
  items: readonly AttachmentView[];
  mayAttach: boolean;
  attachLabel?: MessageKey;
}) {
  const t = useT();
  const upload = useFetcher<UploadResult>();
  const input = useRef<HTMLInputElement>(null);
  const result = upload.state === "idle" ? upload.data : undefined;
  // Choosing the same file again after an upload (or a refusal) is a new choice.
  useEffect(() => {
    if (upload.state === "idle" && input.current) input.current.value = "";
  }, [upload.state]);
  const shown = [...items];
  for (const added of result?.ok ? result.added : []) if (!shown.some((a) => a.id === added.id)) shown.push(added);
  return (
    <section className="card attachments" aria-labelledby={`attachments-${appointmentId}`}>
      <h2 id={`attachments-${appointmentId}`}>{t("attachments.heading")}</h2>
      {shown.length > 0 ? (
        <ul className="attachments__list">
          {shown.map((a) => (
            <li key={a.id} className="attachments__item" data-kind={a.kind}>
              {a.kind === "image" ? (
                <a href={`/attachments/${a.id}`} target="_blank" rel="noreferrer" aria-label={t("attachments.open", { name: a.fileName })}>
                  <img src={`/attachments/${a.id}?variant=thumbnail`} alt={a.fileName} width={a.width ?? undefined} height={a.height ?? undefined} loading="lazy" />
                </a>
              ) : (
                <a className="attachments__file" href={`/attachments/${a.id}`} download={a.fileName} aria-label={t("attachments.download", { name: a.fileName })}>
                  <span aria-hidden="true">PDF</span>
                </a>
              )}
              <span className="attachments__name">{a.fileName}</span>
              <span className="muted small">{t(a.purpose === "summary" ? "attachments.fromDoctor" : "attachments.fromPatient")}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("attachments.none")}</p>
      )}
      {mayAttach && shown.length < MAX_FILES_PER_APPOINTMENT ? (
        <upload.Form method="post" encType="multipart/form-data" action={`/appointments/${appointmentId}/attachments`} className="attachments__form">
          <label className="button attachments__pick" data-busy={upload.state !== "idle" || undefined}>
            {t(upload.state === "idle" ? attachLabel : "attachments.uploading")}
            <input
              ref={input}
              className="visually-hidden"
              type="file"
              name="file"
              accept={ACCEPTED_TYPES}
              multiple
              disabled={upload.state !== "idle"}
              onChange={(event) => {
                if (event.currentTarget.files?.length) upload.submit(event.currentTarget.form);
              }}
            />
          </label>
          <noscript>
            <button type="submit" className="button">
              {t("attachments.attach")}
            </button>
          </noscript>
          <p className="muted small">{t("attachments.hint", { count: MAX_FILES_PER_APPOINTMENT })}</p>
          {result && !result.ok ? (
            <p className="form-error" role="alert">
              {t(result.formError)}
            </p>
          ) : null}
          {result?.ok ? (
            <p className="muted small" role="status">
              {t("attachments.added", { name: result.added.map((a) => a.fileName).join(", ") })}
            </p>
          ) : null}
        </upload.Form>
      ) : null}
    </section>
  );
}
