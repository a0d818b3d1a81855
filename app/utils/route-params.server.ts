import type { Params } from "@remix-run/react";
import { z } from "zod";

/** An id in a URL: a UUID, or it names nothing. */
export const uuidParam = z.uuid();

/** The route's id parameter `name`, or the 404 page (a malformed id names nothing, like an unknown one). */
export function idParam(params: Params, name: string): string {
  const id = uuidParam.safeParse(params[name]);
  if (!id.success) throw new Response("Not found", { status: 404 });
  return id.data;
}
