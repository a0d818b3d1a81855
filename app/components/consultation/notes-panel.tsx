import { useNavigate } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { NOTE_FIELDS, NOTE_FIELD_MAX, type NoteField, type NoteFields } from "~/features/consult-notes/fields";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";
import { NextPatient } from "./next-patient";

type Saved = { fields: NoteFields; version: number; signedAt: string | null; addenda: { id: string; authorName: string; body: string; createdAt: string }[] };
type SaveState = "saved" | "saving" | "unsaved" | "offline";
type Conflict = { fields: NoteFields; version: number };

const LABEL: Record<NoteField, MessageKey> = {
  subjective: "notes.subjective",
  objective: "notes.objective",
  assessment: "notes.assessment",
  plan: "notes.plan",
  diagnosis: "notes.diagnosis",
  advice: "notes.advice",
};
const AUTOSAVE_MS = 700;

/**
 * The doctor's consult note. Every keystroke is kept on this device at once and saved to the server a
 * moment later ("Saved" shows when the server has it). A save from a stale version is refused by the
 * server; the doctor's text stays on the page and they choose which version to keep. Signing locks it.
 * After the visit (`visitOver`), "Sign note and admit next" signs it and opens the next patient's room.
 */
export function NotesPanel({ appointmentId, initial, visitOver = false }: { appointmentId: string; initial: Saved; visitOver?: boolean }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const storageKey = `yz-note-${appointmentId}`;
  const [fields, setFields] = useState<NoteFields>(initial.fields);
  const [version, setVersion] = useState(initial.version);
  const [state, setState] = useState<SaveState>("saved");
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [error, setError] = useState<MessageKey | null>(null);
  const [signedAt, setSignedAt] = useState(initial.signedAt);
  const [addenda, setAddenda] = useState(initial.addenda);
  const [addendum, setAddendum] = useState("");
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const navigate = useNavigate();
  const latest = useRef({ fields, version, dirty: false });
  const inFlight = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const post = useCallback(
    async (body: Record<string, string>) => {
      const response = await fetch(`/consult/${appointmentId}/note`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(body),
      });
      return { status: response.status, data: (await response.json()) as Record<string, unknown> };
    },
    [appointmentId],
  );

  /** The server already has exactly this text at a newer version: take its version, keep going. */
  const adopt = useCallback(
    (current: Conflict, text: NoteFields) => {
      latest.current.version = current.version;
      setVersion(current.version);
      if (latest.current.fields === text) {
        latest.current.dirty = false;
        localStorage.removeItem(storageKey);
        setState("saved");
      }
    },
    [storageKey],
  );

  const save = useCallback(async () => {
    if (inFlight.current || !latest.current.dirty) return;
    inFlight.current = true;
    const sending = latest.current.fields;
    setState("saving");
    try {
      const { status, data } = await post({ intent: "save", baseVersion: String(latest.current.version), ...sending });
      if (status === 200) {
        latest.current.version = data.version as number;
        setVersion(data.version as number);
        if (latest.current.fields === sending) {
          latest.current.dirty = false;
          localStorage.removeItem(storageKey);
          setState("saved");
        }
      } else if (status === 409 && data.current && sameText((data.current as Conflict).fields, sending)) {
        // Our own earlier save landed (its answer was lost to a reload or a cut): nothing to choose.
        adopt(data.current as Conflict, sending);
      } else if (status === 409 && data.current) {
        setConflict(data.current as Conflict);
        setState("unsaved");
      } else {
        setError((data.error as MessageKey) ?? "notes.tooLong");
        setState("unsaved");
      }
    } catch {
      setState("offline");
    } finally {
      inFlight.current = false;
    }
    if (latest.current.dirty && !conflictRef.current) timer.current = setTimeout(() => void save(), AUTOSAVE_MS);
  }, [post, storageKey, adopt]);
  const conflictRef = useRef(conflict);
  conflictRef.current = conflict;

  // A draft this device kept but the server never acknowledged (a closed lid, a dropped line) comes back.
  useEffect(() => {
    const kept = localStorage.getItem(storageKey);
    if (!kept || initial.signedAt) return;
    try {
      const draft = JSON.parse(kept) as { fields: NoteFields; baseVersion: number };
      const differs = NOTE_FIELDS.some((f) => draft.fields[f] !== initial.fields[f]);
      if (!differs) return localStorage.removeItem(storageKey);
      setFields(draft.fields);
      latest.current = { fields: draft.fields, version: initial.version, dirty: true };
      if (draft.baseVersion === initial.version) {
        setState("unsaved");
        void save();
      } else {
        setConflict({ fields: initial.fields, version: initial.version });
        setState("unsaved");
      }
    } catch {
      localStorage.removeItem(storageKey);
    }
    // Runs once for the note the page opened with.
  }, []);

  useEffect(() => {
    const retry = () => void save();
    window.addEventListener("online", retry);
    return () => window.removeEventListener("online", retry);
  }, [save]);

  const edit = (field: NoteField, value: string) => {
    const next = { ...latest.current.fields, [field]: value };
    latest.current = { ...latest.current, fields: next, dirty: true };
    setFields(next);
    setState("unsaved");
    setError(null);
    localStorage.setItem(storageKey, JSON.stringify({ fields: next, baseVersion: latest.current.version }));
    clearTimeout(timer.current);
    if (!conflict) timer.current = setTimeout(() => void save(), AUTOSAVE_MS);
  };

  const keepMine = () => {
    if (!conflict) return;
    latest.current = { ...latest.current, version: conflict.version, dirty: true };
    setVersion(conflict.version);
    setConflict(null);
    void save();
  };
  const takeTheirs = () => {
    if (!conflict) return;
    latest.current = { fields: conflict.fields, version: conflict.version, dirty: false };
    setFields(conflict.fields);
    setVersion(conflict.version);
    setConflict(null);
    localStorage.removeItem(storageKey);
    setState("saved");
  };

  /** Signs (and, with "signAndAdmitNext", admits the next patient here and goes to their room). */
  const sign = async (intent: "sign" | "signAndAdmitNext") => {
    if (!window.confirm(t("notes.signConfirm"))) return;
    // An autosave under way would make this save a no-op: wait for it, then save what is left.
    while (inFlight.current) await new Promise((resolve) => setTimeout(resolve, 50));
    await save();
    if (latest.current.dirty) return;
    let { status, data } = await post({ intent, baseVersion: String(latest.current.version) });
    if (status === 409 && data.current && sameText((data.current as Conflict).fields, latest.current.fields)) {
      adopt(data.current as Conflict, latest.current.fields);
      ({ status, data } = await post({ intent, baseVersion: String(latest.current.version) }));
    }
    if (status === 200) {
      setSignedAt(data.signedAt as string);
      if (typeof data.next === "string") navigate(`/consult/${data.next}`);
      else if (data.notice) setNotice(data.notice as MessageKey);
    } else if (status === 409 && data.current) setConflict(data.current as Conflict);
    else setError(data.error as MessageKey);
  };

  const addAddendum = async () => {
    const body = addendum.trim();
    if (!body) return;
    const { status, data } = await post({ intent: "addendum", body });
    if (status === 200) {
      setAddenda((current) => [...current, data.addendum as Saved["addenda"][number]]);
      setAddendum("");
    } else setError(data.error as MessageKey);
  };

  const stateLabel: Record<SaveState, MessageKey> = {
    saved: "notes.saved",
    saving: "notes.saving",
    unsaved: "notes.unsaved",
    offline: "notes.offline",
  };

  return (
    <section className="card notes" aria-labelledby="notes-heading">
      <div className="notes__header">
        <h2 id="notes-heading">{t("notes.heading")}</h2>
        {signedAt ? (
          <span className="status status--completed">{t("notes.signedOn", { date: formatDateTime(signedAt, locale, timeZone) })}</span>
        ) : (
          <span className="notes__status">
            <span className={`save-state save-state--${state}`} role="status" data-state={state} data-version={version}>
              {t(stateLabel[state])}
            </span>
            {/* At the top, beside "Saved": in reach during a call, whatever the note's length. */}
            <button type="button" className={visitOver ? "button button--small" : "button button--primary button--small"} onClick={() => void sign("sign")}>
              {t("notes.sign")}
            </button>
          </span>
        )}
      </div>
      {conflict ? (
        <div className="form-error" role="alert">
          <p>{t("notes.stale")}</p>
          <div className="actions">
            <button type="button" className="button button--small" onClick={keepMine}>
              {t("notes.keepMine")}
            </button>
            <button type="button" className="button button--small button--quiet" onClick={takeTheirs}>
              {t("notes.takeTheirs")}
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {t(error)}
        </p>
      ) : null}
      <div className="notes__fields">
        {NOTE_FIELDS.map((field) => (
          <div className="field" key={field}>
            <label htmlFor={`note-${field}`}>{t(LABEL[field])}</label>
            <textarea
              id={`note-${field}`}
              name={field}
              rows={field === "diagnosis" ? 2 : 3}
              maxLength={NOTE_FIELD_MAX}
              value={fields[field]}
              readOnly={Boolean(signedAt)}
              onChange={(e) => edit(field, e.target.value)}
              onBlur={() => void save()}
            />
          </div>
        ))}
      </div>
      {signedAt ? (
        <div className="addenda">
          <h3>{t("notes.addendum")}</h3>
          <ul className="plain-list">
            {addenda.map((a) => (
              <li key={a.id}>
                <span className="muted">
                  {a.authorName} · {formatDateTime(a.createdAt, locale, timeZone)}
                </span>
                <p className="prewrap">{a.body}</p>
              </li>
            ))}
          </ul>
          <div className="field">
            <label htmlFor="addendum">{t("notes.addendum")}</label>
            <textarea id="addendum" rows={2} maxLength={5000} value={addendum} onChange={(e) => setAddendum(e.target.value)} />
          </div>
          <button type="button" className="button" onClick={() => void addAddendum()} disabled={!addendum.trim()}>
            {t("notes.addAddendum")}
          </button>
        </div>
      ) : visitOver ? (
        <div className="actions">
          <button type="button" className="button button--primary" onClick={() => void sign("signAndAdmitNext")}>
            {t("notes.signAndAdmitNext")}
          </button>
        </div>
      ) : null}
      {visitOver && signedAt ? <NextPatient notice={notice} /> : null}
    </section>
  );
}

function sameText(a: NoteFields, b: NoteFields): boolean {
  return NOTE_FIELDS.every((f) => (a[f] ?? "") === (b[f] ?? ""));
}
