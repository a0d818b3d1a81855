import { useState } from "react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

/**
 * A link shown once (a personal join link, a companion's guest link): a read-only field that selects
 * itself, what to know about it, and "Copy link".
 */
export function CopyableLink({ id, link, label, hint }: { id: string; link: string; label: MessageKey; hint: MessageKey }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <>
      <div className="field">
        <label htmlFor={id}>{t(label)}</label>
        <input id={id} type="text" readOnly value={link} onFocus={(event) => event.currentTarget.select()} />
      </div>
      <p className="small">{t(hint)}</p>
      <button
        type="button"
        className="button button--primary"
        onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => setCopied(false))}
      >
        {copied ? t("joinLink.copied") : t("joinLink.copy")}
      </button>
    </>
  );
}
