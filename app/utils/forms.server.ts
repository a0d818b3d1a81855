import type { z } from "zod";
import type { MessageKey } from "~/i18n";

type FieldErrors = Partial<Record<string, MessageKey>>;

/** `values`: the text fields as sent, for a refused form to show again what the person typed. */
export type Parsed<T> = ({ ok: true; data: T } | { ok: false; errors: FieldErrors }) & { values: Record<string, string> };

/** Parses a form post with a Zod schema; errors come back as dictionary keys per field. */
export async function parseForm<S extends z.ZodType>(request: Request, schema: S): Promise<Parsed<z.infer<S>>> {
  return parseFields(await request.formData(), schema);
}

/** `parseForm` over a form already read (one that carried files, say): its text fields only. */
export function parseFields<S extends z.ZodType>(formData: FormData, schema: S): Parsed<z.infer<S>> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (typeof value === "string") values[key] = value;
  }
  const result = schema.safeParse(values);
  return result.success ? { ok: true, data: result.data, values } : { ok: false, errors: fieldErrors(result.error), values };
}

/** The first error of each field, as a dictionary key (the schemas' messages are keys). */
function fieldErrors(error: z.ZodError): FieldErrors {
  const result: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    result[field] ??= issue.message as MessageKey;
  }
  return result;
}
