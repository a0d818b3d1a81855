// The end-to-end tests drive Debian's Chromium. When it is missing, install it if we may (root), or stop
// with the one command to run: the tests never skip silently.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0) {
    console.log(`Chromium is missing at ${CHROMIUM}: installing Debian's chromium package…`);
    execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", {
      stdio: "inherit",
    });
  } else {
    console.error(`Chromium is missing at ${CHROMIUM}. Install it, then run the tests again:\n\n  sudo apt-get install -y chromium\n`);
    process.exit(1);
  }
}
