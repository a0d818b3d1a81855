import { createRequire } from "node:module";
import path from "node:path";

/**
 * The router the server runs: @remix-run/router's CommonJS build, as @remix-run/server-runtime requires
 * it (patched at install by patches/@remix-run+router+*.patch). An `import` here would get the ESM build.
 */
const require = createRequire(import.meta.url);
const routerPath = require.resolve("@remix-run/router", { paths: [path.dirname(require.resolve("@remix-run/server-runtime"))] });

export type ServerRoute = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: ServerRoute[] };
export type ServerMatch = { route: ServerRoute; params: Record<string, string | undefined> };

export const { matchRoutes: serverMatchRoutes } = require(routerPath) as {
  matchRoutes: (routes: ServerRoute[], pathname: string) => ServerMatch[] | null;
};
