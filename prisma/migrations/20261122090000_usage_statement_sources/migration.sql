-- R8.1: the hourly rollup keeps its operations per source and what of each
-- row is already on a usage statement; an hour may have follow-up statements
-- for debits that committed after its first one; statement lines carry
-- their own operations and exact credits (no average price).

-- AlterTable
ALTER TABLE "UsageRollupHourly" ADD COLUMN     "freeOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "includedOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "packageOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "prepaidOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "flexOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "unstated" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "statedFreeOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "statedIncludedOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "statedPackageOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "statedPrepaidOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "statedFlexOperations" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "statedIncludedCredits" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "statedPackageCredits" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "statedPrepaidCredits" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "statedFlexCredits" BIGINT NOT NULL DEFAULT 0;

-- Backfill: rows written before operations were kept per source give all of
-- their operations to the source that paid most of their credits (all free
-- when nothing was paid), so that the sources add up to the row's operations.
UPDATE "UsageRollupHourly" AS r SET
  "freeOperations"     = CASE WHEN c."source" = 'FREE' THEN r."operations" ELSE 0 END,
  "includedOperations" = CASE WHEN c."source" = 'INCLUDED' THEN r."operations" ELSE 0 END,
  "packageOperations"  = CASE WHEN c."source" = 'PACKAGE' THEN r."operations" ELSE 0 END,
  "prepaidOperations"  = CASE WHEN c."source" = 'PREPAID' THEN r."operations" ELSE 0 END,
  "flexOperations"     = CASE WHEN c."source" = 'FLEX' THEN r."operations" ELSE 0 END
FROM (
  SELECT "workspaceId", "hour", "operationTypeId",
         CASE WHEN "credits" = 0 THEN 'FREE'
              WHEN "includedCredits" >= GREATEST("packageCredits", "prepaidCredits", "flexCredits") THEN 'INCLUDED'
              WHEN "packageCredits" >= GREATEST("prepaidCredits", "flexCredits") THEN 'PACKAGE'
              WHEN "prepaidCredits" >= "flexCredits" THEN 'PREPAID'
              ELSE 'FLEX' END AS "source"
  FROM "UsageRollupHourly"
) AS c
WHERE c."workspaceId" = r."workspaceId" AND c."hour" = r."hour" AND c."operationTypeId" = r."operationTypeId";

-- Hours already stated count as stated in full (what a debit that committed
-- after its statement added cannot be told apart any more).
UPDATE "UsageRollupHourly" AS r SET
  "unstated" = false,
  "statedFreeOperations" = r."freeOperations",
  "statedIncludedOperations" = r."includedOperations",
  "statedPackageOperations" = r."packageOperations",
  "statedPrepaidOperations" = r."prepaidOperations",
  "statedFlexOperations" = r."flexOperations",
  "statedIncludedCredits" = r."includedCredits",
  "statedPackageCredits" = r."packageCredits",
  "statedPrepaidCredits" = r."prepaidCredits",
  "statedFlexCredits" = r."flexCredits"
WHERE EXISTS (SELECT 1 FROM "UsageStatement" s WHERE s."workspaceId" = r."workspaceId" AND s."hourStart" = r."hour");

-- AlterTable
ALTER TABLE "UsageStatement" ADD COLUMN     "sequence" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "UsageStatementLine" DROP COLUMN "creditsPerOp",
ALTER COLUMN "source" DROP NOT NULL;

-- DropIndex
DROP INDEX "UsageStatement_workspaceId_hourStart_key";

-- CreateIndex
CREATE UNIQUE INDEX "UsageStatement_workspaceId_hourStart_sequence_key" ON "UsageStatement"("workspaceId", "hourStart", "sequence");

-- CreateIndex
CREATE INDEX "UsageRollupHourly_unstated_hour_idx" ON "UsageRollupHourly"("unstated", "hour");
