import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./server";

/**
 * Starts Debian's nginx with the repository's nginx.conf, its upstream pointing at `instances` and its
 * ports and paths moved into a scratch folder. Resolves when it answers.
 */
export async function startNginx(instances: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), "yunzhen-nginx-"));
  const port = await freePort();
  const upstream = instances.map((url) => `    server ${new URL(url).host.replace("localhost", "127.0.0.1")} max_fails=1 fail_timeout=5s;`).join("\n");
  const config = readFileSync("nginx.conf", "utf8")
    .replace(/^pid .*;$/m, `pid ${dir}/nginx.pid;`)
    .replace(/^error_log .*;$/m, `error_log ${dir}/error.log warn;${process.getuid?.() === 0 ? "\nuser root;" : ""}`)
    .replace(/(upstream yunzhen \{\n(?:.*\n)*?)(?: {4}server .*\n)+/, `$1${upstream}\n`)
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
  if (!config.includes(upstream)) throw new Error("nginx.conf: the upstream block was not found");
  writeFileSync(path.join(dir, "nginx.conf"), config);
  const child: ChildProcess = spawn("nginx", ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log"), "-g", "daemon off;"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${readFileSync(path.join(dir, "error.log"), "utf8")}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error("nginx did not answer in 10 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    errors: () => readFileSync(path.join(dir, "error.log"), "utf8"),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM"); // fast: a graceful stop would wait for every WebSocket
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
