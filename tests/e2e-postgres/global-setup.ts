import { buildApp } from "../helpers/server";

/** Builds the app once for every file here: each starts its own servers (`npm start`'s) on that build. */
export default function setup() {
  buildApp();
}
