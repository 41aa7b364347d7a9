// Prisma CLI configuration (Prisma 7). The app itself never reads this: it
// builds its client in lib/db/client.ts. `generate` needs no database; the
// url below only matters where the real schema engine is installed and
// `prisma migrate deploy` is used instead of `npm run db:migrate`.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
});
