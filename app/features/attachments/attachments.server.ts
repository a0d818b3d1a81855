/**
 * Photos and files attached to an appointment: checked by their content, images re-encoded without their
 * metadata (EXIF, GPS, the camera's make) with a thumbnail, stored in PostgreSQL, served to the
 * appointment's patient and doctor only, every addition and every view audited. Who may do what is
 * `attachment-policy.ts`; what a file is, `file-check.ts`.
 */
import { asc, count, eq, sql } from "drizzle-orm";
import sharp from "sharp";
import { reusableQuery, type Db } from "~db/client.server";
import { appointments, attachments, doctors } from "~db/schema";
import type { AttachmentKind } from "~/domain/vocabulary";
import { recordAudit } from "~/features/audit/record-audit.server";
import { consumeLimit, type RateLimits } from "~/features/auth/rate-limit.server";
import type { AttachmentView } from "~/features/live/events";
import { publish } from "~/features/live/publish.server";
import { ConflictError, DomainError, looksLikeId, NotFoundError } from "~/utils/errors";
import { mayAttach, mayViewAttachments, type AttachmentActor, type AttachmentAppointment } from "./attachment-policy";
import { cleanFileName, MAX_FILE_BYTES, MAX_FILES_PER_UPLOAD, MAX_IMAGE_EDGE, sniffFileType, THUMBNAIL_EDGE, withExtension } from "./file-check";
import { readFormWithFiles, type SentFile } from "./upload.server";

/** A file as it will be stored: checked, and for an image re-encoded, with its thumbnail. */
export type PreparedFile = {
  kind: AttachmentKind;
  contentType: "image/jpeg" | "image/png" | "application/pdf";
  fileName: string;
  content: Buffer;
  thumbnail: Buffer | null;
  width: number | null;
  height: number | null;
};

/** An image this large (in pixels) is refused before it is decoded: no phone takes one. */
const MAX_INPUT_PIXELS = 80_000_000;

/**
 * Checks a sent file and makes what is stored of it. Refuses (4xx, with the message to show) a file too
 * large, empty, of a type it is not, or an image that cannot be read (a HEIC photo this server cannot
 * decode among them). An image is turned upright, kept at most `MAX_IMAGE_EDGE` pixels on its longer side
 * and written again from its pixels: nothing of the original's metadata is copied.
 */
export async function prepareFile(bytes: Buffer, name: string): Promise<PreparedFile> {
  if (bytes.length === 0) throw new DomainError(400, "attachments.empty");
  if (bytes.length > MAX_FILE_BYTES) throw new DomainError(413, "attachments.tooLarge");
  const type = sniffFileType(bytes);
  const fileName = cleanFileName(name, type === "pdf" ? "report.pdf" : "photo.jpg");
  if (type === null) throw new DomainError(415, "attachments.notAccepted");
  if (type === "pdf") {
    return { kind: "pdf", contentType: "application/pdf", fileName: withExtension(fileName, "pdf"), content: bytes, thumbnail: null, width: null, height: null };
  }
  const png = type === "png";
  try {
    const upright = sharp(bytes, { failOn: "error", limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: MAX_IMAGE_EDGE, height: MAX_IMAGE_EDGE, fit: "inside", withoutEnlargement: true });
    const { data, info } = await (png ? upright.png() : upright.jpeg({ quality: 85 })).toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(data)
      .resize({ width: THUMBNAIL_EDGE, height: THUMBNAIL_EDGE, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 72 })
      .toBuffer();
    return {
      kind: "image",
      contentType: png ? "image/png" : "image/jpeg",
      fileName: withExtension(fileName, png ? "png" : "jpg"),
      content: data,
      thumbnail,
      width: info.width,
      height: info.height,
    };
  } catch {
    throw new DomainError(415, type === "heic" ? "attachments.heicUnreadable" : "attachments.unreadable");
  }
}

const viewColumns = {
  id: attachments.id,
  kind: attachments.kind,
  purpose: attachments.purpose,
  fileName: attachments.fileName,
  byteSize: attachments.byteSize,
  width: attachments.width,
  height: attachments.height,
  createdAt: attachments.createdAt,
};

type ViewRow = { [K in keyof typeof viewColumns]: (typeof attachments.$inferSelect)[K] };

const toView = (row: ViewRow): AttachmentView => ({ ...row, createdAt: row.createdAt.toISOString() });

/** The appointment as the attachment rules read it (locked for update inside a transaction that asks). */
function appointmentForAttaching(db: Db, appointmentId: string) {
  return db
    .select({ id: appointments.id, status: appointments.status, patientId: appointments.patientId, doctorUserId: doctors.userId })
    .from(appointments)
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .where(eq(appointments.id, appointmentId));
}

/** Refuses, as `mayAttach` does (404 for a stranger, 409 closed or full), one more file on the appointment now. */
function refuseUnlessAllowed(actor: AttachmentActor, appointment: AttachmentAppointment | undefined, count: number) {
  if (!appointment) throw new NotFoundError("error.appointmentNotFound");
  const verdict = mayAttach(actor, appointment, count);
  if (verdict.allowed) return verdict.purpose;
  if (verdict.reason === "notYours") throw new NotFoundError("error.appointmentNotFound");
  throw new ConflictError(verdict.reason === "full" ? "attachments.full" : "attachments.closed");
}

async function checkMayAttach(db: Db, actor: AttachmentActor, appointmentId: string) {
  if (!looksLikeId(appointmentId)) throw new NotFoundError("error.appointmentNotFound");
  const [[appointment], [held]] = await Promise.all([
    appointmentForAttaching(db, appointmentId),
    db.select({ n: count() }).from(attachments).where(eq(attachments.appointmentId, appointmentId)),
  ]);
  refuseUnlessAllowed(actor, appointment, held?.n ?? 0);
}

/**
 * Stores files for an appointment, each with its audit row and a live event to the appointment's open
 * rooms, in one transaction. The appointment's row is locked first: two uploads at once count each
 * other, so the cap holds. Refused: someone else's appointment (404, as if it did not exist), one that
 * is over (or not yet in consultation, for its doctor), or one that is full.
 */
export async function attachFiles(
  db: Db,
  actor: AttachmentActor,
  appointmentId: string,
  files: PreparedFile[],
  context: { clientAddress?: string | null } = {},
): Promise<AttachmentView[]> {
  if (!looksLikeId(appointmentId)) throw new NotFoundError("error.appointmentNotFound");
  return db.transaction(async (tx) => {
    const [appointment] = await appointmentForAttaching(tx, appointmentId).for("update", { of: appointments });
    if (!appointment) throw new NotFoundError("error.appointmentNotFound");
    const [held] = await tx.select({ n: count() }).from(attachments).where(eq(attachments.appointmentId, appointmentId));
    const views: AttachmentView[] = [];
    for (const [index, file] of files.entries()) {
      const purpose = refuseUnlessAllowed(actor, appointment, (held?.n ?? 0) + index);
      const [row] = await tx
        .insert(attachments)
        .values({ appointmentId, uploadedBy: actor.id, purpose, byteSize: file.content.length, ...file })
        .returning(viewColumns);
      const view = toView(row!);
      await recordAudit(tx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: "attachment.added",
        entityType: "attachment",
        entityId: view.id,
        patientId: appointment.patientId,
        clientAddress: context.clientAddress,
        detail: { appointmentId, kind: view.kind, purpose: view.purpose, bytes: view.byteSize },
      });
      await publish(tx, { kind: "attachment", appointmentId, attachment: view });
      views.push(view);
    }
    return views;
  });
}

/**
 * "Attach photo or file": the form's files (at most `MAX_FILES_PER_UPLOAD`) read, checked, re-encoded and
 * stored, within the person's upload allowance. Any refused file refuses the form (nothing half-stored).
 */
export async function attachUpload(db: Db, actor: AttachmentActor, appointmentId: string, request: Request, context: UploadContext) {
  // Who may, before the body is read or any image decoded: a stranger costs us one read.
  await checkMayAttach(db, actor, appointmentId);
  await consumeLimit(db, context.limits.upload(actor.id));
  const { files } = await readFormWithFiles(request, "file", MAX_FILES_PER_UPLOAD);
  if (files.length === 0) throw new DomainError(400, "attachments.empty");
  return attachFiles(db, actor, appointmentId, await prepareFiles(files), context);
}

/** Each sent file checked and re-encoded, in turn (the work runs off the event loop, in sharp's threads). */
export async function prepareFiles(files: SentFile[]): Promise<PreparedFile[]> {
  const prepared: PreparedFile[] = [];
  for (const file of files) prepared.push(await prepareFile(file.bytes, file.name));
  return prepared;
}

type UploadContext = { clientAddress?: string | null; limits: RateLimits };

// Read with every load of the room's data (a hot read at 9 am): prepared once per connection.
const listQuery = reusableQuery((db) =>
  db
    .select(viewColumns)
    .from(attachments)
    .where(eq(attachments.appointmentId, sql.placeholder("appointmentId")))
    .orderBy(asc(attachments.createdAt), asc(attachments.id))
    .prepare("appointment_attachments"),
);

/** An appointment's files, oldest first (their patient's and their doctor's), for a page that may show them. */
export async function listAttachments(db: Db, appointmentId: string): Promise<AttachmentView[]> {
  return (await listQuery(db, { appointmentId })).map(toView);
}

/** Which picture of a file is asked for: the file itself, or (images only) its thumbnail. */
export type AttachmentVariant = "file" | "thumbnail";

/**
 * One stored file for its appointment's patient or doctor, with the view recorded in the audit trail.
 * Anyone else, an unknown id, or a thumbnail of a PDF: not found (404), the same answer every time.
 */
export async function readAttachment(
  db: Db,
  actor: AttachmentActor,
  attachmentId: string,
  variant: AttachmentVariant,
  context: { clientAddress?: string | null } = {},
) {
  if (!looksLikeId(attachmentId)) throw new NotFoundError("attachments.notFound");
  const [row] = await db
    .select({
      appointmentId: attachments.appointmentId,
      kind: attachments.kind,
      contentType: attachments.contentType,
      fileName: attachments.fileName,
      body: variant === "thumbnail" ? attachments.thumbnail : attachments.content,
      status: appointments.status,
      patientId: appointments.patientId,
      doctorUserId: doctors.userId,
    })
    .from(attachments)
    .innerJoin(appointments, eq(appointments.id, attachments.appointmentId))
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .where(eq(attachments.id, attachmentId));
  if (!row || !row.body || !mayViewAttachments(actor, row)) throw new NotFoundError("attachments.notFound");
  await recordAudit(db, {
    actorId: actor.id,
    actorRole: actor.role,
    action: "attachment.viewed",
    entityType: "attachment",
    entityId: attachmentId,
    patientId: row.patientId,
    clientAddress: context.clientAddress,
    detail: { appointmentId: row.appointmentId, variant },
  });
  return {
    body: row.body,
    contentType: variant === "thumbnail" ? "image/jpeg" : row.contentType,
    fileName: row.fileName,
    // A PDF is saved, never opened inside our origin; an image is shown.
    disposition: row.kind === "pdf" ? ("attachment" as const) : ("inline" as const),
  };
}
