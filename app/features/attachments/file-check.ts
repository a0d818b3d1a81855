/**
 * What a sent file is, read from its first bytes (never from its name or the type the browser claims),
 * and the limits every attachment keeps. Pure: the upload's use case and the browser's form read the same.
 */

/** The largest file accepted (a phone's photo is 2–6 MB; a scanned report a few). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** How many files one appointment holds, the patient's and the doctor's together. */
export const MAX_FILES_PER_APPOINTMENT = 12;
/** How many files one form sends at a time (the booking form's, the appointment's, the room's). */
export const MAX_FILES_PER_UPLOAD = 3;
/** Images are kept at most this many pixels on their longer side (enough to read a rash or a label). */
export const MAX_IMAGE_EDGE = 2560;
/** Thumbnails' longer side. */
export const THUMBNAIL_EDGE = 320;

/** What the form offers to pick: photos (camera or gallery on a phone) and PDFs. */
export const ACCEPTED_TYPES = "image/jpeg,image/png,image/heic,image/heif,application/pdf";

export type SniffedType = "jpeg" | "png" | "heic" | "pdf";

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The HEIF brands a phone's photo carries (iPhones write `heic`; `mif1` is the generic image brand). */
const HEIF_BRANDS = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].map(ascii);

/**
 * The file's type by its signature: JPEG (FF D8 FF), PNG (its 8-byte signature), HEIC/HEIF (an ISO box
 * `ftyp` with a HEIF brand) or PDF (`%PDF-` within its first 1,024 bytes, as readers allow); null for
 * anything else, whatever its name says.
 */
export function sniffFileType(bytes: Uint8Array): SniffedType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, ascii("ftyp"), 4) && HEIF_BRANDS.some((brand) => startsWith(bytes, brand, 8))) return "heic";
  const head = bytes.subarray(0, 1024);
  for (let i = 0; i + 5 <= head.length; i++) if (startsWith(head, ascii("%PDF-"), i)) return "pdf";
  return null;
}

/**
 * A file name safe to show and to offer when saving: no folders, no control characters, no quotes that
 * would end a header's value; at most 200 characters, keeping its extension.
 */
export function cleanFileName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, "").replace(/\s+/g, " ").trim();
  if (!cleaned || cleaned === "." || cleaned === "..") return fallback;
  if (cleaned.length <= 200) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  return cleaned.slice(0, 200 - extension.length) + extension;
}

/** The name a re-encoded image is kept under: its own, with the extension of what it became. */
export function withExtension(name: string, extension: "jpg" | "png" | "pdf"): string {
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem.slice(0, 195)}.${extension}`;
}
