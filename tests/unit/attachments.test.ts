import { describe, expect, it } from "vitest";
import { mayAttach, mayViewAttachments } from "~/features/attachments/attachment-policy";
import { cleanFileName, MAX_FILES_PER_APPOINTMENT, sniffFileType, withExtension } from "~/features/attachments/file-check";

const bytes = (...values: (number | string)[]) =>
  Uint8Array.from(values.flatMap((v) => (typeof v === "string" ? [...v].map((c) => c.charCodeAt(0)) : [v])));

describe("what a sent file is, read from its bytes", () => {
  it("knows JPEG, PNG, HEIC and PDF by their signatures", () => {
    expect(sniffFileType(bytes(0xff, 0xd8, 0xff, 0xe1, 0, 0))).toBe("jpeg");
    expect(sniffFileType(bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a, 0, 0))).toBe("png");
    expect(sniffFileType(bytes(0, 0, 0, 0x18, "ftypheic", 0, 0, 0, 0))).toBe("heic");
    expect(sniffFileType(bytes(0, 0, 0, 0x18, "ftypmif1", 0, 0, 0, 0))).toBe("heic");
    expect(sniffFileType(bytes("%PDF-1.7\n"))).toBe("pdf");
    // Readers accept a PDF whose header comes after a little junk.
    expect(sniffFileType(bytes("\r\n\r\n%PDF-1.4"))).toBe("pdf");
  });

  it("refuses whatever else, however it is named: a text file, an HTML page, an MP4, a truncated JPEG", () => {
    expect(sniffFileType(bytes("This is not a photo"))).toBeNull();
    expect(sniffFileType(bytes("<html><script>alert(1)</script>"))).toBeNull();
    expect(sniffFileType(bytes(0, 0, 0, 0x18, "ftypisom", 0, 0, 0, 0))).toBeNull();
    expect(sniffFileType(bytes(0xff, 0xd8))).toBeNull();
    expect(sniffFileType(new Uint8Array())).toBeNull();
  });
});

describe("the name a file is kept under", () => {
  it("drops folders, control characters and quotes, and stands in for a name left empty", () => {
    expect(cleanFileName("C:\\Users\\wang\\Pictures\\rash.jpg", "photo.jpg")).toBe("rash.jpg");
    expect(cleanFileName("../../etc/passwd", "x")).toBe("passwd");
    expect(cleanFileName('bad"name\r\n.pdf', "x")).toBe("badname.pdf");
    expect(cleanFileName("   ", "photo.jpg")).toBe("photo.jpg");
    expect(cleanFileName("..", "photo.jpg")).toBe("photo.jpg");
  });

  it("keeps at most 200 characters and the extension", () => {
    const name = cleanFileName(`${"血常规".repeat(100)}.pdf`, "x");
    expect(name).toHaveLength(200);
    expect(name.endsWith(".pdf")).toBe(true);
  });

  it("names a re-encoded image after what it became", () => {
    expect(withExtension("IMG_0042.HEIC", "jpg")).toBe("IMG_0042.jpg");
    expect(withExtension("scan", "pdf")).toBe("scan.pdf");
  });
});

describe("who may attach and see an appointment's files", () => {
  const appointment = { status: "booked" as const, patientId: "p1", doctorUserId: "d1" };
  const patient = { id: "p1", role: "patient" as const };
  const doctor = { id: "d1", role: "doctor" as const };

  it("lets its patient and its doctor see them, and nobody else: not another patient, another doctor, or clinic staff", () => {
    expect(mayViewAttachments(patient, appointment)).toBe(true);
    expect(mayViewAttachments(doctor, appointment)).toBe(true);
    expect(mayViewAttachments({ id: "p2", role: "patient" }, appointment)).toBe(false);
    expect(mayViewAttachments({ id: "d2", role: "doctor" }, appointment)).toBe(false);
    expect(mayViewAttachments({ id: "s1", role: "staff" }, appointment)).toBe(false);
    expect(mayViewAttachments({ id: "a1", role: "admin" }, appointment)).toBe(false);
    // An id shared across roles grants nothing: a doctor is not the patient of the same id.
    expect(mayViewAttachments({ id: "p1", role: "doctor" }, appointment)).toBe(false);
  });

  it("lets the patient attach for the visit while it is ahead or under way, and not after", () => {
    for (const status of ["booked", "checked_in", "in_consultation"] as const) {
      expect(mayAttach(patient, { ...appointment, status }, 0)).toEqual({ allowed: true, purpose: "visit" });
    }
    for (const status of ["completed", "cancelled", "no_show"] as const) {
      expect(mayAttach(patient, { ...appointment, status }, 0)).toEqual({ allowed: false, reason: "closed" });
    }
  });

  it("lets the doctor attach to the visit summary during the consultation and after it, not before", () => {
    expect(mayAttach(doctor, { ...appointment, status: "in_consultation" }, 0)).toEqual({ allowed: true, purpose: "summary" });
    expect(mayAttach(doctor, { ...appointment, status: "completed" }, 0)).toEqual({ allowed: true, purpose: "summary" });
    expect(mayAttach(doctor, appointment, 0)).toEqual({ allowed: false, reason: "closed" });
    expect(mayAttach(doctor, { ...appointment, status: "cancelled" }, 0)).toEqual({ allowed: false, reason: "closed" });
  });

  it("stops at the appointment's cap, and refuses strangers before anything else", () => {
    expect(mayAttach(patient, appointment, MAX_FILES_PER_APPOINTMENT - 1).allowed).toBe(true);
    expect(mayAttach(patient, appointment, MAX_FILES_PER_APPOINTMENT)).toEqual({ allowed: false, reason: "full" });
    expect(mayAttach({ id: "p2", role: "patient" }, { ...appointment, status: "completed" }, 99)).toEqual({ allowed: false, reason: "notYours" });
  });
});
