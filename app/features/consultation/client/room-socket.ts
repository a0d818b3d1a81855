import type { ClientMessage, ServerMessage } from "~/features/live/events";

/** "ended": the server closed the room for good (the session ended, the join window closed, or this person was removed). */
export type SocketState = "connecting" | "open" | "closed" | "ended";

/** Close codes after which reconnecting is pointless (see signaling.server.ts). */
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4410]);

export type RoomSocket = {
  send(message: ClientMessage): boolean;
  subscribe(listener: (message: ServerMessage) => void): () => void;
  onOpen(listener: () => void): () => void;
  close(): void;
};

/** Silence longer than this means the line is dead even if the socket did not say so. */
const WATCHDOG_MS = 25_000;

/**
 * The room's WebSocket, reconnecting by itself (with backoff) after a drop, a dead line or a server
 * restart. Listeners outlive reconnections.
 */
export function openRoomSocket(appointmentId: string, onState: (state: SocketState) => void, knownChat?: number): RoomSocket {
  const listeners = new Set<(message: ServerMessage) => void>();
  const openListeners = new Set<() => void>();
  const query = new URLSearchParams({ appointment: appointmentId, ...(knownChat === undefined ? {} : { chat: String(knownChat) }) });
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/signal?${query}`;
  let ws: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => ws?.close(), WATCHDOG_MS);
  };

  const connect = () => {
    if (closed) return;
    onState("connecting");
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      arm();
      onState("open");
      for (const listener of openListeners) listener();
    };
    socket.onmessage = (event) => {
      arm();
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      for (const listener of listeners) listener(message);
    };
    socket.onclose = (event) => {
      clearTimeout(watchdog);
      if (ws !== socket) return;
      ws = null;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        closed = true;
        onState("ended");
        return;
      }
      onState("closed");
      if (closed) return;
      const delay = Math.min(5000, 300 * 2 ** attempt++) + Math.random() * 200;
      retry = setTimeout(connect, delay);
    };
  };
  // A network change (phone switching to Wi-Fi) is a good moment to try again at once.
  const online = () => {
    if (!ws) {
      clearTimeout(retry);
      attempt = 0;
      connect();
    }
  };
  window.addEventListener("online", online);
  connect();

  return {
    send(message) {
      if (ws?.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(message));
      return true;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onOpen(listener) {
      openListeners.add(listener);
      if (ws?.readyState === WebSocket.OPEN) listener();
      return () => openListeners.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(watchdog);
      clearTimeout(retry);
      window.removeEventListener("online", online);
      ws?.close();
    },
  };
}
