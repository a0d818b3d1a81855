import { useEffect, useRef, useState, type FormEvent } from "react";
import type { RoomSocket } from "~/features/consultation/client/room-socket";
import type { ChatMessageView } from "~/features/live/events";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";

const MAX = 1000;

/** Chat in the call. Messages are React text nodes: whatever anyone types is shown, never run. */
export function ChatPanel({
  initial,
  socket,
  role,
  canSend,
}: {
  initial: ChatMessageView[];
  socket: RoomSocket | null;
  role: "patient" | "doctor";
  canSend: boolean;
}) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const [messages, setMessages] = useState(initial);
  const [draft, setDraft] = useState("");
  const [failed, setFailed] = useState(false);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => setMessages((current) => merge(current, initial)), [initial]);
  useEffect(() => {
    if (!socket) return;
    return socket.subscribe((message) => {
      if (message.type === "chat") setMessages((current) => merge(current, [message.message]));
    });
  }, [socket]);
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [messages.length]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = draft.trim();
    if (!body || body.length > MAX || !socket) return;
    if (socket.send({ type: "chat", body })) {
      setDraft("");
      setFailed(false);
    } else {
      setFailed(true);
    }
  };

  return (
    <section className="card chat" aria-labelledby="chat-heading">
      <h2 id="chat-heading">{t("chat.heading")}</h2>
      <ol className="chat__messages" ref={list} aria-live="polite">
        {messages.length === 0 ? <li className="muted">{t("chat.empty")}</li> : null}
        {messages.map((m) => (
          <li key={m.id} className={m.senderRole === role ? "chat__message chat__message--mine" : "chat__message"}>
            <span className="chat__meta">
              {m.senderName} · {formatDateTime(m.createdAt, locale, timeZone, { hour: "2-digit", minute: "2-digit" })}
            </span>
            <span className="chat__body">{m.body}</span>
          </li>
        ))}
      </ol>
      {canSend ? (
        <form className="chat__form" onSubmit={submit}>
          <label htmlFor="chat-message" className="visually-hidden">
            {t("chat.message")}
          </label>
          <input
            id="chat-message"
            name="message"
            placeholder={t("chat.message")}
            aria-label={t("chat.message")}
            value={draft}
            maxLength={MAX}
            autoComplete="off"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="button button--primary" disabled={!draft.trim()}>
            {t("chat.send")}
          </button>
        </form>
      ) : null}
      {failed ? (
        <p className="field__error" role="alert">
          {t("call.reconnecting")}
        </p>
      ) : null}
    </section>
  );
}

function merge(current: ChatMessageView[], incoming: ChatMessageView[]) {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
