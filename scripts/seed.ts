// `npm run db:seed` loads the catalog (prisma/catalog.json) into the database:
// what a real deployment needs. `npm run db:seed -- --demo` also creates the
// demo accounts of SPEC R13; `--if-empty` skips the demo when users exist.
import fs from "node:fs";
import path from "node:path";
import { parseCatalog } from "@/lib/catalog/schema";
import { now } from "@/lib/clock";
import { openDatabase } from "@/lib/db/connect";
import { configuredTarget } from "@/lib/db";
import { syncCatalog } from "@/lib/db/catalog";
import { seedDemo } from "@/lib/db/seed/demo";
import { env } from "@/lib/env";

async function main() {
  const args = new Set(process.argv.slice(2));
  const database = await openDatabase(configuredTarget(), { role: "seed" });
  try {
    const catalog = parseCatalog(JSON.parse(fs.readFileSync(path.join(process.cwd(), "prisma/catalog.json"), "utf8")));
    await syncCatalog(database.prisma, catalog);
    console.log(
      `catalog: ${catalog.plans.length} plans, ${catalog.operationTypes.length} operation types, ${catalog.packages.length} packages`,
    );
    if (args.has("--demo")) {
      const users = await database.prisma.user.count();
      if (args.has("--if-empty") && users > 0) {
        console.log(`demo: skipped, the database already has ${users} users`);
      } else {
        await seedDemo(database.prisma, { now: now(), keysFile: env().DEMO_KEYS_FILE, log: (line) => console.log(`demo: ${line}`) });
      }
    }
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
