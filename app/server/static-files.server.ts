/**
 * public/ served from memory: the files are read once at start (the build's fingerprinted output, the
 * favicon), so a request for one costs no disk check, and a path that is not one of them goes straight
 * on (no stat for every page request). Each is also compressed once, at start, in the forms a browser
 * accepts (brotli, gzip), so a phone downloads the smallest form for the price of a lookup. For
 * production, where public/ does not change while serving.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type express from "express";
import { precompress, preferredEncoding, type Encoding } from "./compression.server";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".wasm": "application/wasm",
};

type Form = { body: Buffer; headers: Record<string, string> };
/** A file as stored (identity) and in each compressed form worth keeping. */
type File = { identity: Form } & Partial<Record<Encoding, Form>>;

/** A file to serve from memory: its URL path, its bytes and how long a browser may keep it. */
export type MemoryFile = { urlPath: string; body: Buffer; cacheControl: string };

/** Fingerprinted names never change their bytes: a year. Anything else: an hour. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** Every file under `dir`, by its URL path; fingerprinted build output is immutable for a year. */
function readFiles(dir: string): MemoryFile[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((relative) => path.join(dir, relative))
    .filter((full) => statSync(full).isFile())
    .map((full) => {
      const urlPath = `/${path.relative(dir, full).split(path.sep).join("/")}`;
      return { urlPath, body: readFileSync(full), cacheControl: urlPath.startsWith("/build/") ? IMMUTABLE : "public, max-age=3600" };
    });
}

/** Each file in the forms a browser may ask for, each with its headers, computed once. */
function prepare(list: readonly MemoryFile[]): Map<string, File> {
  const files = new Map<string, File>();
  for (const { urlPath, body, cacheControl } of list) {
    const type = TYPES[path.extname(urlPath).toLowerCase()] ?? "application/octet-stream";
    const tag = createHash("sha1").update(body).digest("base64url").slice(0, 20);
    const compressed = precompress(body, type);
    const form = (formBody: Buffer, encoding?: Encoding): Form => ({
      body: formBody,
      headers: {
        "Content-Type": type,
        "Content-Length": String(formBody.length),
        "Cache-Control": cacheControl,
        // Each form is its own representation: its own tag, and caches keep them apart.
        ETag: encoding ? `"${tag}-${encoding}"` : `"${tag}"`,
        ...(Object.keys(compressed).length > 0 ? { Vary: "Accept-Encoding" } : {}),
        ...(encoding ? { "Content-Encoding": encoding } : {}),
      },
    });
    files.set(urlPath, {
      identity: form(body),
      ...(compressed.br ? { br: form(compressed.br, "br") } : {}),
      ...(compressed.gzip ? { gzip: form(compressed.gzip, "gzip") } : {}),
    });
  }
  return files;
}

/** Serves these files, each in the smallest form the browser accepts; any other path goes on. */
export function filesFromMemory(list: readonly MemoryFile[]): express.RequestHandler {
  const files = prepare(list);
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const file = files.get(req.path);
    if (!file) return next();
    const encoding = preferredEncoding(req.headers["accept-encoding"]);
    const form = (encoding && file[encoding]) || file.identity;
    res.set(form.headers);
    if (req.headers["if-none-match"] === form.headers.ETag) {
      res.status(304).end();
      return;
    }
    res.status(200).end(req.method === "HEAD" ? undefined : form.body);
  };
}

export function staticFilesFromMemory(dir: string): express.RequestHandler {
  return filesFromMemory(readFiles(dir));
}
