import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { DomainError } from "~/utils/errors";
import { MAX_FILE_BYTES } from "./file-check";

/** A file as the form sent it: its name and its bytes (read in memory, at most `MAX_FILE_BYTES`). */
export type SentFile = { name: string; bytes: Buffer };

/** Room in a form's body beyond its files (the text fields, the multipart boundaries). */
const FIELDS_ALLOWANCE = 64 * 1024;

/**
 * Reads a form that may carry files (`field`, up to `maxFiles` of them): its text fields and its files.
 * A body larger than the files allowed, or a file over `MAX_FILE_BYTES`, is refused (413) as it arrives,
 * before it is held in memory whole; more files than allowed, 400. A file input left empty sends nothing.
 * A form without files (urlencoded) reads as usual.
 */
export async function readFormWithFiles(request: Request, field: string, maxFiles: number): Promise<{ formData: FormData; files: SentFile[] }> {
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > maxFiles * MAX_FILE_BYTES + FIELDS_ALLOWANCE) throw new DomainError(413, "attachments.tooLarge");
  if (!(request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) return { formData: await request.formData(), files: [] };
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({
        maxPartSize: MAX_FILE_BYTES,
        // Text fields, and files of `field` only (an input left empty sends a nameless, empty part).
        filter: ({ name, filename }) => filename === undefined || (name === field && Boolean(filename)),
      }),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) throw new DomainError(413, "attachments.tooLarge");
    throw new DomainError(400, "error.form");
  }
  const files: SentFile[] = [];
  for (const value of formData.getAll(field)) {
    if (typeof value === "string") continue;
    files.push({ name: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  if (files.length > maxFiles) throw new DomainError(400, "attachments.tooMany");
  return { formData, files };
}
