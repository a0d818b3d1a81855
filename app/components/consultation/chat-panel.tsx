import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import type { RoomSocket } from "~/features/consultation/client/room-socket";
import type { ChatMessageView, Participant } from "~/features/live/events";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";

const MAX = 1000;

type Outgoing = { clientId: string; body: string };

/**
 * Chat in the call. Messages are React text nodes: whatever anyone types is shown, never run.
 *
 * Nothing typed is lost to a bad connection: a sent message stays in the outbox (kept in this tab's
 * session storage) until the server's copy comes back with the same `clientId`, and everything in the
 * outbox is sent again each time the socket (re)opens. The server stores a resent message only once.
 */
export function ChatPanel({
  appointmentId,
  initial,
  socket,
  role,
  canSend,
  onIncoming,
}: {
  appointmentId: string;
  initial: ChatMessageView[];
  socket: RoomSocket | null;
  role: Participant;
  canSend: boolean;
  /** A message from the other side arrived (the phone's call screen counts them while the chat is hidden). */
  onIncoming?: () => void;
}) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const [messages, setMessages] = useState(initial);
  const [outbox, setOutbox] = useOutbox(appointmentId);
  const [draft, setDraft] = useState("");
  const list = useRef<HTMLOListElement>(null);
  const outboxRef = useRef(outbox);
  outboxRef.current = outbox;
  const incoming = useRef(onIncoming);
  incoming.current = onIncoming;
  const shown = useRef(messages);
  shown.current = messages;

  useEffect(() => setMessages((current) => merge(current, initial)), [initial]);
  useEffect(() => {
    if (!socket) return;
    const unsubscribe = socket.subscribe((message) => {
      if (message.type !== "chat") return;
      const isNew = !shown.current.some((m) => m.id === message.message.id);
      setMessages((current) => merge(current, [message.message]));
      if (isNew && message.message.senderRole !== role) incoming.current?.();
    });
    const unOpen = socket.onOpen(() => {
      for (const pending of outboxRef.current) socket.send({ type: "chat", ...pending });
    });
    return () => {
      unsubscribe();
      unOpen();
    };
  }, [socket, role]);
  // A message is delivered once the server's copy of it is here.
  useEffect(() => {
    const delivered = new Set(messages.map((m) => m.clientId));
    if (outbox.some((o) => delivered.has(o.clientId))) setOutbox((current) => current.filter((o) => !delivered.has(o.clientId)));
  }, [messages, outbox, setOutbox]);
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [messages.length, outbox.length]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = draft.trim();
    if (!body || body.length > MAX) return;
    const pending = { clientId: crypto.randomUUID(), body };
    setOutbox((current) => [...current, pending]);
    setDraft("");
    socket?.send({ type: "chat", ...pending });
  };

  return (
    <section className="card chat" aria-labelledby="chat-heading">
      <h2 id="chat-heading">{t("chat.heading")}</h2>
      <ol className="chat__messages" ref={list} aria-live="polite">
        {messages.length === 0 && outbox.length === 0 ? <li className="muted">{t("chat.empty")}</li> : null}
        {messages.map((m) => (
          <li key={m.id} className={m.senderRole === role ? "chat__message chat__message--mine" : "chat__message"}>
            <span className="chat__meta">
              {m.senderName} · {formatDateTime(m.createdAt, locale, timeZone, { hour: "2-digit", minute: "2-digit" })}
            </span>
            <span className="chat__body">{m.body}</span>
          </li>
        ))}
        {outbox.map((o) => (
          <li key={o.clientId} className="chat__message chat__message--mine chat__message--pending" data-pending="true">
            <span className="chat__meta">{t("chat.sending")}</span>
            <span className="chat__body">{o.body}</span>
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
    </section>
  );
}

/** The unsent messages, kept in session storage so a reload of the tab does not lose them either. */
function useOutbox(appointmentId: string) {
  const key = `yz-chat-outbox:${appointmentId}`;
  const [outbox, setOutbox] = useState<Outgoing[]>([]);
  useEffect(() => {
    try {
      const saved = JSON.parse(sessionStorage.getItem(key) ?? "[]") as unknown;
      if (Array.isArray(saved)) setOutbox(saved.filter((o): o is Outgoing => typeof o?.clientId === "string" && typeof o?.body === "string"));
    } catch {
      // unreadable storage: start empty
    }
  }, [key]);
  const update = useCallback(
    (change: (current: Outgoing[]) => Outgoing[]) =>
      setOutbox((current) => {
        const next = change(current);
        try {
          if (next.length) sessionStorage.setItem(key, JSON.stringify(next));
          else sessionStorage.removeItem(key);
        } catch {
          // storage full or blocked: the outbox still lives in memory
        }
        return next;
      }),
    [key],
  );
  return [outbox, update] as const;
}

function merge(current: ChatMessageView[], incoming: ChatMessageView[]) {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
