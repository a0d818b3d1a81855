/**
 * public/ served from memory: the files are read once at start (the build's fingerprinted output, the
 * favicon), so a request for one costs no disk check, and a path that is not one of them goes straight
 * on (no stat for every page request). For production, where public/ does not change while serving.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type express from "express";

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

type File = { body: Buffer; headers: Record<string, string> };

/** Every file under `dir`, by its URL path; fingerprinted build output is immutable for a year. */
function readFiles(dir: string): Map<string, File> {
  const files = new Map<string, File>();
  for (const relative of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const full = path.join(dir, relative);
    if (!statSync(full).isFile()) continue;
    const body = readFileSync(full);
    const urlPath = `/${relative.split(path.sep).join("/")}`;
    const immutable = urlPath.startsWith("/build/");
    files.set(urlPath, {
      body,
      headers: {
        "Content-Type": TYPES[path.extname(full).toLowerCase()] ?? "application/octet-stream",
        "Content-Length": String(body.length),
        "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600",
        ETag: `"${createHash("sha1").update(body).digest("base64url").slice(0, 20)}"`,
      },
    });
  }
  return files;
}

export function staticFilesFromMemory(dir: string): express.RequestHandler {
  const files = readFiles(dir);
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const file = files.get(req.path);
    if (!file) return next();
    res.set(file.headers);
    if (req.headers["if-none-match"] === file.headers.ETag) {
      res.status(304).end();
      return;
    }
    res.status(200).end(req.method === "HEAD" ? undefined : file.body);
  };
}
