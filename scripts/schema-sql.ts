// Prints the SQL that creates prisma/schema.prisma from an empty database,
// exactly as `prisma migrate diff --from-empty --to-schema --script` would.
//
//   npx tsx scripts/schema-sql.ts [schema.prisma] > prisma/migrations/<name>/migration.sql
//
// For a later migration, write the ALTER statements by hand and let the drift
// test (tests/integration/migrations.test.ts) prove they reach the schema.
import fs from "node:fs";
import path from "node:path";
import { schemaToSql } from "./lib/schema-to-sql";

const schemaPath = path.resolve(process.argv[2] ?? "prisma/schema.prisma");

try {
  process.stdout.write(schemaToSql(fs.readFileSync(schemaPath, "utf8")));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
