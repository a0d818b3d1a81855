import { execFileSync } from "node:child_process";
import path from "node:path";

/** Builds the app once for every file here: each starts its own servers (`npm start`'s) on that build. */
export default function setup() {
  execFileSync(path.resolve("node_modules/.bin/remix"), ["build"], { stdio: "ignore", env: { ...process.env, NODE_ENV: "production" } });
}
