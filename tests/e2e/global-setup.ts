import { mkdirSync, writeFileSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { demoAdminSecret, signInDemoAdmin } from "../helpers/second-factor";
import { buildApp, startServer } from "../helpers/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    /** The demo admin's TOTP secret: set up here once, through the enrolment page, as an admin would. */
    demoAdminSecret: string;
    /** A session of the demo admin that has passed the second step, for the files that need an admin. */
    demoAdminCookie: string;
  }
}

/** Builds the app once and serves it, as `npm start` does, for every end-to-end test. */
export default async function setup(project: TestProject) {
  buildApp();
  const server = await startServer();
  project.provide("baseURL", server.url);
  const admin = await signInDemoAdmin(server.url);
  project.provide("demoAdminSecret", demoAdminSecret(server.url));
  project.provide("demoAdminCookie", admin.cookie);
  return async () => {
    await server.stop();
    // What the shared server said (errors, and every request with LOG_REQUESTS=1), for a failed run.
    mkdirSync("test-results", { recursive: true });
    writeFileSync("test-results/e2e-server.log", server.output());
  };
}
