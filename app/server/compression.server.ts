/**
 * Smaller answers for a phone on a slow network. Static files are compressed once, at start, at the
 * highest levels (brotli 11, gzip 9), so serving one costs a map lookup; pages, loader data and CSV are
 * compressed as they stream, at levels that cost well under a millisecond for a page (brotli 4, gzip 6).
 * Brotli's window is 64 KB (twice gzip's), not its default 4 MB: every answer's encoder allocates its
 * window, and with answers compressed side by side those fresh megabytes cost more than the compression
 * itself — `GET /appointments` took 17 ms of server CPU with brotli against 9 ms with gzip (wrk, 16
 * connections); with the smaller window 10 ms, and the same bytes for pages of this size.
 * An event stream is never compressed: its events must leave as they happen, not when a buffer fills.
 * Nor is the arrival line's page (a few hundred bytes more, served thousands of times a minute at 9 am),
 * nor anything while the process is past its capacity (`spare()` says no): then the CPU is what every
 * patient waits for, and a page's bytes are not. Profiled at 9 am, compressing cost a tenth of the
 * workers' time.
 */
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import compression from "compression";
import type express from "express";
import { LINE_HEADER } from "./arrival-line.server";

export type Encoding = "br" | "gzip";

/** Answers compressed as they stream: below this size they gain less than the work and the header cost. */
const THRESHOLD_BYTES = 1024;

/** 2^16 bytes: a page's answer fits; a larger one (a CSV export) still compresses, a little less. */
const BROTLI_WINDOW_BITS = 16;

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|manifest\+json|xml|wasm)|image\/svg\+xml|image\/x-icon)/;

/**
 * The encoding the client asked for that we serve: brotli before gzip when both are acceptable. An
 * explicit `q=0` refuses one. (Chromium offers brotli only over HTTPS; over plain HTTP it gets gzip.)
 */
export function preferredEncoding(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const accepted = new Set<string>();
  for (const part of acceptEncoding.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (q && Number(q.slice(2)) === 0) continue;
    accepted.add(name.trim());
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip") || accepted.has("*")) return "gzip";
  return null;
}

/**
 * A static file's compressed forms, where compressing pays (a compressible type, smaller after). Done
 * once, so even a small file is worth it: the build's 800-byte chunks leave at half their size.
 */
export function precompress(body: Buffer, contentType: string): Partial<Record<Encoding, Buffer>> {
  if (!COMPRESSIBLE.test(contentType)) return {};
  const forms: Partial<Record<Encoding, Buffer>> = {};
  const br = brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  if (br.length < body.length) forms.br = br;
  const gzip = gzipSync(body, { level: 9 });
  if (gzip.length < body.length) forms.gzip = gzip;
  return forms;
}

/**
 * Compresses what Remix and the error pages answer, as it streams, while `spare()` says the process has
 * CPU to spare; never an event stream or the arrival line's page.
 */
export function compressResponses(spare: () => boolean): express.RequestHandler {
  return compression({
    threshold: THRESHOLD_BYTES,
    level: 6,
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS } },
    filter: (req, res) => {
      const type = String(res.getHeader("Content-Type") ?? "");
      if (type.startsWith("text/event-stream") || res.hasHeader(LINE_HEADER) || !spare()) return false;
      return compression.filter(req, res);
    },
  });
}
