import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments, attachments } from "~db/schema";
import { attachFiles, listAttachments, prepareFile, readAttachment } from "~/features/attachments/attachments.server";
import { MAX_FILES_PER_APPOINTMENT, MAX_IMAGE_EDGE, THUMBNAIL_EDGE } from "~/features/attachments/file-check";
import { ConflictError, DomainError, NotFoundError } from "~/utils/errors";
import { auditRowsFor, makeConsultation, rejectionOf } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser } from "../helpers/factories";
import { FAKE_JPEG, metadataOf, PHOTO_CAMERA, photoWithGps, SMALL_PDF } from "../helpers/photos";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

describe("a photo attached to an appointment", () => {
  it("is stored re-encoded, without its EXIF, GPS or camera, at most 2560 px, with a small thumbnail", async () => {
    const sent = await photoWithGps(3000, 2000);
    expect((await metadataOf(sent)).exif?.toString("latin1")).toContain(PHOTO_CAMERA);
    const prepared = await prepareFile(sent, "IMG_0042.JPG");
    const stored = await metadataOf(prepared.content);
    expect(stored).toMatchObject({ exif: null, xmp: null, icc: null, format: "jpeg", width: MAX_IMAGE_EDGE });
    expect(prepared.content.includes(PHOTO_CAMERA)).toBe(false);
    expect(prepared).toMatchObject({ kind: "image", contentType: "image/jpeg", fileName: "IMG_0042.jpg", width: 2560, height: 1707 });
    const thumbnail = await metadataOf(prepared.thumbnail!);
    expect(Math.max(thumbnail.width!, thumbnail.height!)).toBe(THUMBNAIL_EDGE);
    expect(thumbnail.exif).toBeNull();
  });

  it("is refused when it only claims to be a photo, is empty, or is a damaged JPEG, each with its message", async () => {
    const refusal = (await rejectionOf(prepareFile(FAKE_JPEG, "rash.jpg"))) as DomainError;
    expect(refusal).toBeInstanceOf(DomainError);
    expect([refusal.status, refusal.messageKey]).toEqual([415, "attachments.notAccepted"]);
    expect(((await rejectionOf(prepareFile(Buffer.alloc(0), "x.jpg"))) as DomainError).messageKey).toBe("attachments.empty");
    const damaged = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4000, 7)]);
    expect(((await rejectionOf(prepareFile(damaged, "x.jpg"))) as DomainError).messageKey).toBe("attachments.unreadable");
  });

  it("keeps a PDF as sent, to be downloaded rather than opened", async () => {
    const prepared = await prepareFile(SMALL_PDF, "血常规 2026-11.pdf");
    expect(prepared).toMatchObject({ kind: "pdf", contentType: "application/pdf", fileName: "血常规 2026-11.pdf", thumbnail: null });
    expect(prepared.content.equals(SMALL_PDF)).toBe(true);
  });
});

describe("an appointment's files", () => {
  it("are shown to its patient and its doctor only, each view audited; anyone else finds nothing (404)", async () => {
    const { patient, appointment, asPatient, asDoctor } = await makeConsultation(db());
    const [photo] = await attachFiles(db(), asPatient, appointment.id, [await prepareFile(await photoWithGps(), "rash.jpg")], { clientAddress: "203.0.113.9" });
    expect(photo).toMatchObject({ kind: "image", purpose: "visit", fileName: "rash.jpg" });
    expect((await listAttachments(db(), appointment.id)).map((a) => a.id)).toEqual([photo!.id]);

    const asPatientSees = await readAttachment(db(), asPatient, photo!.id, "file");
    expect(asPatientSees).toMatchObject({ contentType: "image/jpeg", disposition: "inline" });
    expect((await metadataOf(asPatientSees.body)).exif).toBeNull();
    expect((await readAttachment(db(), asDoctor, photo!.id, "thumbnail")).contentType).toBe("image/jpeg");

    const otherPatient = await makeUser(db(), "patient");
    const otherDoctor = await makeDoctor(db());
    const staff = await makeUser(db(), "staff");
    for (const stranger of [
      { id: otherPatient.id, role: "patient" as const },
      { id: otherDoctor.userId, role: "doctor" as const },
      { id: staff.id, role: "staff" as const },
    ]) {
      expect(await rejectionOf(readAttachment(db(), stranger, photo!.id, "file"))).toBeInstanceOf(NotFoundError);
      expect(await rejectionOf(attachFiles(db(), stranger, appointment.id, [await prepareFile(SMALL_PDF, "x.pdf")]))).toBeInstanceOf(NotFoundError);
    }
    expect(await rejectionOf(readAttachment(db(), asPatient, crypto.randomUUID(), "file"))).toBeInstanceOf(NotFoundError);

    const added = await auditRowsFor(db(), [photo!.id], "attachment.added");
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ actorId: patient.id, patientId: patient.id, clientAddress: "203.0.113.9" });
    const views = await auditRowsFor(db(), [photo!.id], "attachment.viewed");
    expect(views.map((v) => [v.actorId, (v.detail as { variant: string }).variant])).toEqual([
      [patient.id, "file"],
      [asDoctor.id, "thumbnail"],
    ]);
  });

  it("take the doctor's file for the visit summary once the consultation is on, and nothing after the cap", async () => {
    const { appointment, asPatient, asDoctor } = await makeConsultation(db());
    const pdf = await prepareFile(SMALL_PDF, "advice.pdf");
    expect(await rejectionOf(attachFiles(db(), asDoctor, appointment.id, [pdf]))).toBeInstanceOf(ConflictError);
    await db().update(appointments).set({ status: "in_consultation" }).where(eq(appointments.id, appointment.id));
    const [advice] = await attachFiles(db(), asDoctor, appointment.id, [pdf]);
    expect(advice).toMatchObject({ purpose: "summary", kind: "pdf" });

    const many = Array.from({ length: MAX_FILES_PER_APPOINTMENT - 1 }, () => pdf);
    await attachFiles(db(), asPatient, appointment.id, many);
    const full = (await rejectionOf(attachFiles(db(), asPatient, appointment.id, [pdf]))) as DomainError;
    expect(full.messageKey).toBe("attachments.full");
    expect(await listAttachments(db(), appointment.id)).toHaveLength(MAX_FILES_PER_APPOINTMENT);
  });

  it("refused together: a form whose last file does not fit stores none of its files", async () => {
    const { appointment, asPatient } = await makeConsultation(db());
    const pdf = await prepareFile(SMALL_PDF, "report.pdf");
    await attachFiles(db(), asPatient, appointment.id, Array.from({ length: MAX_FILES_PER_APPOINTMENT - 1 }, () => pdf));
    expect(await rejectionOf(attachFiles(db(), asPatient, appointment.id, [pdf, pdf]))).toBeInstanceOf(ConflictError);
    expect(await db().select({ id: attachments.id }).from(attachments).where(eq(attachments.appointmentId, appointment.id))).toHaveLength(MAX_FILES_PER_APPOINTMENT - 1);
  });

  it("are refused by the database itself when their size does not match their bytes or their type is another", async () => {
    const { appointment, patient } = await makeConsultation(db());
    const row = { appointmentId: appointment.id, uploadedBy: patient.id, purpose: "visit" as const, kind: "pdf" as const, fileName: "x.pdf", content: SMALL_PDF };
    const violated = async (insert: Promise<unknown>) => {
      const error = await rejectionOf(insert);
      return String((error as { cause?: unknown }).cause ?? error);
    };
    expect(await violated(db().insert(attachments).values({ ...row, contentType: "application/pdf", byteSize: 1 }))).toMatch(/attachments_byte_size/);
    expect(await violated(db().insert(attachments).values({ ...row, contentType: "text/html", byteSize: SMALL_PDF.length }))).toMatch(/attachments_content_type/);
  });
});
