import { createHmac } from "node:crypto";
import type { Db } from "~db/client.server";
import { recordAudit } from "~/features/audit/record-audit.server";
import type { SessionUser } from "~/features/auth/session.server";
import { ForbiddenError } from "~/utils/errors";
import { ensureRoomName, getRoomAccess, mayEnterRoom } from "./room.server";
import type { JoinCredentials } from "./video/join-credentials";
import type { VideoProvider } from "./video/provider.server";

/** An identity a video provider can show for a participant without learning who they are. */
export function opaqueIdentity(role: string, userId: string, appointmentId: string) {
  const digest = createHmac("sha256", "yunzhen-identity").update(`${userId}:${appointmentId}`).digest("hex");
  return `${role}-${digest.slice(0, 20)}`;
}

/**
 * Credentials to join an appointment's call: only for its patient, its doctor or an admitted
 * participant, only inside the join window, never valid after the window closes. Every refusal is the same 403, whether or not the
 * appointment exists.
 */
export async function issueJoinCredentials(
  db: Db,
  user: Pick<SessionUser, "id" | "role">,
  appointmentId: string,
  context: { provider: VideoProvider; now?: Date; clientAddress?: string | null },
): Promise<JoinCredentials> {
  const now = context.now ?? new Date();
  const access = await getRoomAccess(db, user, appointmentId, now).catch(() => null);
  if (!access || !mayEnterRoom(access, user, now, "call")) {
    throw new ForbiddenError("consult.tokenRefused");
  }
  const roomName = await ensureRoomName(db, appointmentId);
  const { provider } = context;
  const credentials = await provider.issue({
    appointmentId,
    userId: user.id,
    role: access.role,
    roomName,
    identity: opaqueIdentity(access.role, user.id, appointmentId),
    expiresAt: access.window.closesAt,
    now,
  });
  await recordAudit(db, {
    actorId: user.id,
    actorRole: user.role,
    action: "video.token_issued",
    entityType: "consultation",
    entityId: appointmentId,
    patientId: access.appointment.patientId,
    clientAddress: context.clientAddress,
    detail: { provider: provider.name },
  });
  return credentials;
}
