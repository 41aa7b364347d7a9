// Adds up every suite's results in the log folder and prints, last, one line:
// "N passed, N failed". Vitest and Playwright report through their JSON files;
// lint, typecheck and build are one check each.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2] ?? ".ci-logs";
let passed = 0;
let failed = 0;
const rows = [];

function add(name, p, f) {
  passed += p;
  failed += f;
  rows.push(`${name.padEnd(22)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed`);
}

for (const file of fs.readdirSync(dir).sort()) {
  const full = path.join(dir, file);
  if (file.startsWith("check-")) {
    const ok = fs.readFileSync(full, "utf8").trim() === "pass";
    add(file.slice(6), ok ? 1 : 0, ok ? 0 : 1);
  }
}

const vitestReports = fs.readdirSync(dir).filter((file) => /^vitest.*\.json$/.test(file));
const byProject = new Map();
for (const file of vitestReports) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  for (const suite of report.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      const project = suite.name.includes("/tests/http/") ? "http" : suite.name.includes("/tests/integration/") ? "integration" : "unit";
      const entry = byProject.get(project) ?? { p: 0, f: 0 };
      if (test.status === "passed") entry.p += 1;
      else if (test.status === "failed") entry.f += 1;
      byProject.set(project, entry);
    }
    // A file that failed to load has no assertions but still failed.
    if ((suite.assertionResults ?? []).length === 0 && suite.status === "failed") {
      const entry = byProject.get("load errors") ?? { p: 0, f: 0 };
      entry.f += 1;
      byProject.set("load errors", entry);
    }
  }
}
for (const [name, { p, f }] of byProject) add(`vitest ${name}`, p, f);
if (vitestReports.length === 0) add("vitest (no report)", 0, 1);

const e2e = path.join(dir, "e2e.json");
if (fs.existsSync(e2e)) {
  const { stats } = JSON.parse(fs.readFileSync(e2e, "utf8"));
  add("playwright", stats.expected ?? 0, (stats.unexpected ?? 0) + (stats.flaky ?? 0));
} else if (!fs.existsSync(path.join(dir, "check-e2e-not-run"))) {
  add("playwright (no report)", 0, 1);
}

for (const row of rows) console.log(row);
console.log(`${passed} passed, ${failed} failed`);
