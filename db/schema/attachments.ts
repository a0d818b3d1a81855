import { sql } from "drizzle-orm";
import { check, customType, index, integer, pgEnum, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { ATTACHMENT_KINDS, ATTACHMENT_PURPOSES } from "../../app/domain/vocabulary";
import { id, instant } from "./_columns";
import { appointments } from "./appointments";
import { users } from "./users";

export const attachmentKind = pgEnum("attachment_kind", ATTACHMENT_KINDS);
export const attachmentPurpose = pgEnum("attachment_purpose", ATTACHMENT_PURPOSES);

/** Raw bytes (`bytea`), as a Node `Buffer` (both drivers hand one back). */
const bytes = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/**
 * A photo or a file attached to an appointment: by its patient before or during the visit, or by its
 * doctor to the visit summary. Stored as checked and re-encoded (`content`: an image without EXIF, GPS or
 * any other metadata; a PDF as sent), with a small JPEG `thumbnail` for images. Never changed once stored.
 */
export const attachments = pgTable(
  "attachments",
  {
    id: id(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .references(() => appointments.id, { onDelete: "cascade" }),
    uploadedBy: uuid("uploaded_by")
      .notNull()
      .references(() => users.id),
    purpose: attachmentPurpose("purpose").notNull(),
    kind: attachmentKind("kind").notNull(),
    /** The type it is served with: image/jpeg, image/png or application/pdf. */
    contentType: text("content_type").notNull(),
    /** The name it was sent with (shown, and offered when saved), cleaned of paths and control characters. */
    fileName: text("file_name").notNull(),
    byteSize: integer("byte_size").notNull(),
    width: integer("width"),
    height: integer("height"),
    content: bytes("content").notNull(),
    thumbnail: bytes("thumbnail"),
    createdAt: instant("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("attachments_appointment_idx").on(t.appointmentId, t.createdAt),
    check("attachments_file_name_length", sql`char_length(${t.fileName}) between 1 and 200`),
    check("attachments_byte_size", sql`${t.byteSize} = octet_length(${t.content}) and ${t.byteSize} > 0`),
    check("attachments_content_type", sql`${t.contentType} in ('image/jpeg', 'image/png', 'application/pdf')`),
  ],
);
