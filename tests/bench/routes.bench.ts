/**
 * Route matching as the server does it, three or four times a request: @remix-run/router's `matchRoutes`
 * (the CommonJS build that @remix-run/server-runtime loads, patched at install: see patches/) against the
 * app's route tree from the production build. Timed for a tree it has matched before (the server's case:
 * one tree per build) and for a tree it sees for the first time, which it must flatten and rank as it did
 * on every match before the patch (route patterns stay compiled in both, so the second is the lower bound
 * of the old cost).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { serverMatchRoutes as matchRoutes, type ServerRoute } from "../helpers/server-router";
import { buildApp } from "../helpers/server";

type Tree = ServerRoute[];

const PATHS = [
  "/login",
  "/doctors",
  "/appointments",
  "/consult/8b0e0c9e-7f1a-4d1e-9a53-0a5d7d0d6f11",
  "/doctors/3c1e0c9e-7f1a-4d1e-9a53-0a5d7d0d6f11/book",
  "/doctor/today",
  "/clinic/schedule",
];
const MATCHES = 50_000;

/** CPU microseconds a match of `treeFor()`'s tree against each path in turn. */
function timed(treeFor: () => Tree): number {
  for (let i = 0; i < 1_000; i++) matchRoutes(treeFor(), PATHS[i % PATHS.length]!);
  const t0 = process.cpuUsage();
  for (let i = 0; i < MATCHES; i++) matchRoutes(treeFor(), PATHS[i % PATHS.length]!);
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / MATCHES;
}

export async function benchRoutes() {
  buildApp();
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as { routes: Record<string, { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean }> };
  // As server-runtime's createRoutes: the build's flat manifest made a tree.
  const treeOf = (parentId: string | undefined): Tree =>
    Object.values(build.routes)
      .filter((r) => r.parentId === parentId)
      .map((r) => ({ id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive, children: treeOf(r.id) }));
  const tree = treeOf(undefined);
  const seen = timed(() => tree);
  // A new array of the same routes: to the router, a tree it has not seen.
  const fresh = timed(() => [...tree]);
  console.log(`  ${Object.keys(build.routes).length} routes, ${PATHS.length} paths, ${MATCHES} matches each:`);
  console.log(`    a tree matched before (the server's case)        ${seen.toFixed(1).padStart(6)} µs of CPU a match`);
  console.log(`    a tree seen for the first time (every match before the patch) ${fresh.toFixed(1).padStart(6)} µs a match, ×${(fresh / seen).toFixed(1)}`);
}
