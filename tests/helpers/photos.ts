import sharp from "sharp";

/** Where the test photos claim they were taken (a clinic's garden in Hangzhou): it must never be stored. */
export const PHOTO_CAMERA = "YunzhenTestCam";

/**
 * A phone's photo as it leaves the phone: a JPEG (`width`×`height`, one colour) whose EXIF names the
 * camera and carries GPS coordinates.
 */
export function photoWithGps(width = 1200, height = 900, colour = { r: 200, g: 90, b: 80 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: PHOTO_CAMERA, Model: "Rash close-up" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "30/1 15/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "120/1 10/1 0/1" },
    })
    .toBuffer();
}

/** What an image holds besides its pixels: EXIF, XMP, an ICC profile (all absent once stored). */
export async function metadataOf(image: Uint8Array) {
  const meta = await sharp(image).metadata();
  return { exif: meta.exif ?? null, xmp: meta.xmp ?? null, icc: meta.icc ?? null, width: meta.width, height: meta.height, format: meta.format };
}

/** A file named like a photo that is not one. */
export const FAKE_JPEG = Buffer.from("<html><body>This is not a photo at all.</body></html>\n".repeat(20));

/** A minimal one-page PDF (a test report). */
export const SMALL_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);
