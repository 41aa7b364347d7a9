// npm run bench:calculator — the price calculator at /pricing (issue 12).
// Builds (unless --no-build or BENCH_SKIP_BUILD=1), makes its own database
// on the local PostgreSQL with the catalog, starts the production server and
// measures:
//
// - the first-load JavaScript of /pricing (gzipped; every script its HTML
//   names, as bench:pages counts it), empty and with the largest preset in
//   the link; target ≤ 150 kB;
// - a full recompute (every plan with and without its best packages, the
//   recommendation and the tier breakdown) in Debian's Chromium on the real
//   page: each preset is picked --runs times and the page's own User Timing
//   entry ("calculator:recompute") is read back; target: the median for the
//   largest preset (most operations a month) under 5 ms. The same recompute
//   in Node is reported beside it.
//
// Cleans up (server, Chromium, database) also on failure and on Ctrl-C. The
// last line is one JSON object of the figures. Run it alone on the machine.
//
// Options: --no-build  --port N  --runs N (per preset, default 40)
// PostgreSQL from TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { chromium, type Browser } from "@playwright/test";
import { calculatorCatalogFromFile } from "@/lib/calculator/catalog-file";
import { compareAll, parseCalculatorCatalog } from "@/lib/calculator/estimate";
import { PRESETS, paramsFromInputs, parseInputs } from "@/lib/calculator/inputs";
import { openDatabase } from "@/lib/db/connect";
import { createScratchDatabase, SERVER_ENTRY, startAppServer, type AppServer } from "./lib/app-server";
import { FirstLoadMeter } from "./lib/first-load-js";
import { countFlag, flagValue } from "./lib/flags";
import { CHROMIUM } from "./lib/lighthouse-runs";
import { prepareDatabase } from "./lib/provision";

const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const TARGETS = { firstLoadKb: 150, recomputeMs: 5 };

const log = (line: string) => console.log(line);
const kb = (bytes: number) => Math.round(bytes / 100) / 10;
const round = (ms: number) => Math.round(ms * 1000) / 1000;
const loadAverage = () => os.loadavg()[0]!.toFixed(2);
const verdict = (name: string, ok: boolean, detail: string) => log(`  ${ok ? "PASS" : "FAIL"}  ${name}: ${detail}`);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const cleanups: { name: string; run: () => Promise<void> }[] = [];
let activeServer: AppServer | undefined;
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup.run();
      } catch (error) {
        console.error(`cleanup ${cleanup.name}: ${String(error)}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanUp().finally(() => process.exit(130)));
}

/** Operations a month of a preset, all types together: what makes one preset larger than another. */
function presetOperations(volumes: Map<string, bigint>): bigint {
  return [...volumes.values()].reduce((sum, value) => sum + value, 0n);
}

async function main() {
  const args = process.argv.slice(2);
  const build = !args.includes("--no-build") && process.env.BENCH_SKIP_BUILD !== "1";
  const runs = countFlag(args, "--runs", 40);
  const port = flagValue(args, "--port");
  log(`bench:calculator — ${os.cpus().length} CPUs, load average ${loadAverage()} at the start`);
  if (build) {
    log("build: npm run build (skip with --no-build or BENCH_SKIP_BUILD=1)");
    const result = spawnSync("npm", ["run", "build"], { stdio: ["ignore", "inherit", "inherit"] });
    if (result.status !== 0) throw new Error(`npm run build failed (${result.status ?? result.signal})`);
  }
  if (!fs.existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run npm run build (or drop --no-build)`);

  const presets = PRESETS.map((preset) => ({ preset, volumes: parseInputs(preset.inputs).volumes! }));
  const largest = presets.reduce((a, b) => (presetOperations(b.volumes) > presetOperations(a.volumes) ? b : a));

  const scratch = await createScratchDatabase(SERVER_URL, "md_bench_calc");
  cleanups.push({ name: `database ${scratch.name}`, run: () => scratch.drop() });
  const database = await openDatabase({ kind: "postgres", url: scratch.url }, { poolSize: 2 });
  await prepareDatabase(database);
  await database.close();
  const server = await startAppServer({ databaseUrl: scratch.url, port: port ? Number(port) : undefined });
  activeServer = server;
  cleanups.push({ name: "server", run: () => server.stop() });
  log(`server: ${server.url} (production build, catalog only, database ${scratch.name}); load average ${loadAverage()}`);

  // First-load JavaScript.
  const meter = new FirstLoadMeter(server.url);
  const empty = await meter.measure(`${server.url}/pricing`, "");
  const filled = await meter.measure(`${server.url}/pricing?${paramsFromInputs(largest.preset.inputs)}`, "");
  log("first-load JavaScript (gzipped; 1 kB = 1,000 bytes):");
  log(`  /pricing                     ${kb(empty.gzipBytes).toFixed(1).padStart(6)} kB in ${empty.scripts} scripts`);
  log(`  /pricing (${largest.preset.name.padEnd(16)}) ${kb(filled.gzipBytes).toFixed(1).padStart(6)} kB in ${filled.scripts} scripts`);
  const firstLoadKb = Math.max(kb(empty.gzipBytes), kb(filled.gzipBytes));

  // Recompute in the browser, on the real page.
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  cleanups.push({ name: "Chromium", run: () => browser.close() });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/pricing`, { waitUntil: "networkidle" });
  const browserMs = new Map<string, number[]>();
  for (let round_ = 0; round_ < runs + 3; round_ += 1) {
    for (const { preset } of presets) {
      // Another preset first, so that each click changes the inputs and recomputes.
      await page.evaluate(() => performance.clearMeasures("calculator:recompute"));
      await page.getByRole("button", { name: preset.name, exact: true }).click();
      await page.waitForFunction(() => performance.getEntriesByName("calculator:recompute").length > 0);
      const durations = await page.evaluate(() => performance.getEntriesByName("calculator:recompute").map((entry) => entry.duration));
      // The first rounds warm the JIT up; they are not counted.
      if (round_ >= 3) browserMs.set(preset.id, [...(browserMs.get(preset.id) ?? []), Math.max(...durations)]);
    }
  }
  const errors = await page.evaluate(() => document.body.innerText.includes("NaN"));
  if (errors) throw new Error("the page shows NaN");

  // The same recompute in Node.
  const catalog = parseCalculatorCatalog(calculatorCatalogFromFile());
  const nodeMs = new Map<string, number[]>();
  for (let round_ = 0; round_ < runs * 5 + 20; round_ += 1) {
    for (const { preset, volumes } of presets) {
      const started = performance.now();
      compareAll(catalog, volumes);
      const elapsed = performance.now() - started;
      if (round_ >= 20) nodeMs.set(preset.id, [...(nodeMs.get(preset.id) ?? []), elapsed]);
    }
  }

  log(`recompute, every plan with and without packages (${runs} runs a preset in Chromium, ${runs * 5} in Node; median / p95 / max):`);
  for (const { preset, volumes } of presets) {
    const b = browserMs.get(preset.id)!;
    const n = nodeMs.get(preset.id)!;
    log(
      `  ${preset.name.padEnd(16)} ${String(presetOperations(volumes)).padStart(9)} ops  Chromium ${round(quantile(b, 0.5)).toFixed(2)} / ${round(quantile(b, 0.95)).toFixed(2)} / ${round(Math.max(...b)).toFixed(2)} ms   Node ${round(quantile(n, 0.5)).toFixed(2)} / ${round(quantile(n, 0.95)).toFixed(2)} ms`,
    );
  }
  const largestBrowser = browserMs.get(largest.preset.id)!;
  const recomputeMs = round(quantile(largestBrowser, 0.5));
  const figures = {
    first_load_kb: firstLoadKb,
    recompute_ms: recomputeMs,
    recompute_p95_ms: round(quantile(largestBrowser, 0.95)),
    recompute_node_ms: round(quantile(nodeMs.get(largest.preset.id)!, 0.5)),
    recompute_ms_by_preset: Object.fromEntries(presets.map(({ preset }) => [preset.name, round(quantile(browserMs.get(preset.id)!, 0.5))])),
    largest_preset: largest.preset.name,
    load_average: Number(loadAverage()),
  };
  log("targets:");
  verdict("first-load JS of /pricing", firstLoadKb <= TARGETS.firstLoadKb, `${firstLoadKb} kB ≤ ${TARGETS.firstLoadKb} kB`);
  verdict(
    "full recompute",
    recomputeMs < TARGETS.recomputeMs,
    `${recomputeMs} ms (median, ${largest.preset.name}, Chromium) < ${TARGETS.recomputeMs} ms`,
  );
  if (firstLoadKb > TARGETS.firstLoadKb || !(recomputeMs < TARGETS.recomputeMs)) process.exitCode = 1;
  await cleanUp();
  console.log(JSON.stringify(figures));
}

main()
  .catch((error: unknown) => {
    console.error(`bench:calculator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (activeServer) console.error(`server output (last lines):\n${activeServer.log().split("\n").slice(-40).join("\n")}`);
    process.exitCode = 1;
  })
  .finally(() => cleanUp().then(() => process.exit()));
