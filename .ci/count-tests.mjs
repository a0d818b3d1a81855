// Adds up Vitest JSON reports: prints "<passed> <failed>" on stdout, and on stderr the name of every test
// that failed (with its report and the first line of its message), so the end of CI's log says which.
// A failed test counts once (Vitest's numFailedTestSuites also counts its file and every describe around
// it); a file that failed with no failed test (an import or a hook) counts once; so does a missing report.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    failed += 1;
    console.error(`missing report: ${file}`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests ?? 0;
  for (const suite of report.testResults ?? []) {
    const where = suite.name.replace(`${process.cwd()}/`, "");
    if (suite.status === "failed" && (suite.assertionResults ?? []).every((test) => test.status !== "failed")) {
      failed += 1;
      console.error(`failed (${file}): ${where}: ${firstLine(suite.message)}`);
    }
    for (const test of suite.assertionResults ?? []) {
      if (test.status !== "failed") continue;
      failed += 1;
      console.error(`failed (${file}): ${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
  }
}
console.log(`${passed} ${failed}`);

function firstLine(text) {
  return (text ?? "").split("\n").find((line) => line.trim() !== "")?.trim().slice(0, 300) ?? "";
}
