import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/features/auth/guards.server";
import { changedSince } from "~/features/clinic-schedule/schedule.server";
import { instantField } from "~/features/booking/schemas.server";
import { findDoctorByUser } from "~/features/directory/doctor-profile.server";

const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events for the live schedule pages: one `changed` event whenever an appointment is booked,
 * checked in, admitted, ended, cancelled or marked no-show — on any app instance (PostgreSQL NOTIFY).
 * Clinic staff hear of every doctor; a doctor only of their own appointments. The browser's EventSource
 * reconnects by itself, and the page reloads its data when it does.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["staff", "admin", "doctor"]);
  const doctorId = user.role === "doctor" ? ((await findDoctorByUser(context.db, user.id))?.id ?? "none") : null;
  // Anything that changed between the page's render and this connection is announced at once.
  const since = instantField.safeParse(new URL(request.url).searchParams.get("since") ?? "");
  const missed = since.success ? await changedSince(context.db, since.data, doctorId) : false;
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
      write("retry: 1000\n: connected\n\n");
      if (missed) write(`event: changed\ndata: {}\n\n`);
      const unsubscribe = context.live.subscribe((event) => {
        if (event.kind !== "appointment") return;
        if (doctorId && event.doctorId !== doctorId) return;
        write(`event: changed\ndata: ${JSON.stringify({ appointmentId: event.appointmentId, status: event.status })}\n\n`);
      });
      // Events were lost while the database was away: the page reads everything again.
      const unResync = context.live.onResync(() => write(`event: changed\ndata: {}\n\n`));
      const beat = setInterval(() => write(": beat\n\n"), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(beat);
        unsubscribe();
        unResync();
      };
      request.signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
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
