import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/features/auth/guards.server";
import { changedSince } from "~/features/clinic-schedule/schedule.server";
import { instantField } from "~/features/booking/schemas.server";
import { findDoctorByUser } from "~/features/directory/doctor-profile.server";
import type { StreamMessage } from "~/features/live/live-delivery.server";

const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events for the live schedule pages (a doctor's Today, the clinic board): `appointment`
 * events carry what changed (status, and the appointment as the page shows it), so the page updates in
 * place; `resync` asks it to read everything again (after a lost database connection, or when something
 * changed between the page's render and this connection). Clinic staff hear of every doctor, a doctor of
 * their own appointments only, as the delivery rules decide. The stream belongs to the login session
 * and ends with it; the browser's EventSource reconnects by itself.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["staff", "admin", "doctor"]);
  const { sessionId, sessionEndsAt } = context.auth;
  if (!sessionId || !sessionEndsAt) throw new Response("Unauthorized", { status: 401 });
  const doctorId = user.role === "doctor" ? ((await findDoctorByUser(context.db, user.id))?.id ?? "none") : null;
  const since = instantField.safeParse(new URL(request.url).searchParams.get("since") ?? "");
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const end = () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      write("retry: 1000\n: connected\n\n");
      const remove = context.live.addStream(
        {
          ...(doctorId ? { kind: "today" as const, doctorId } : { kind: "board" as const }),
          userId: user.id,
          sessionId,
          sessionEndsAt,
          // The session ended: say so, so the page stops reconnecting and asks to sign in again.
          close: (reason) => {
            if (reason === "session-ended") write("event: session-ended\ndata: {}\n\n");
            end();
          },
        },
        (message: StreamMessage) =>
          write(
            message === "resync"
              ? "event: resync\ndata: {}\n\n"
              : "presence" in message
                ? `event: presence\ndata: ${JSON.stringify(message.presence)}\n\n`
                : `event: appointment\ndata: ${JSON.stringify(message)}\n\n`,
          ),
      );
      // Anything that changed between the page's render and this connection the page reads again. Asked
      // only once the stream hears changes, so that nothing committed in between falls through.
      if (since.success)
        changedSince(context.db, since.data, doctorId).then(
          (missed) => missed && write("event: resync\ndata: {}\n\n"),
          () => write("event: resync\ndata: {}\n\n"),
        );
      const beat = setInterval(() => write(": beat\n\n"), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(beat);
        remove();
      };
      request.signal.addEventListener("abort", end);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
