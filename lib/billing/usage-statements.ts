// Hourly usage statements (R8.1): the part of an hourly rollup row that no
// statement has shown yet, as lines in plain words — one per source that
// paid, each with its own operations and its exact credits. Pure:
// lib/db/billing/statements.ts locks the rows, asks for their lines here,
// writes them on a statement and records them as stated.
import { formatCount } from "@/lib/money";
import type { CreditSourceCode } from "./invoice-lines";

/** An hourly rollup row's operations and credits by source; free operations are paid by no source (R3.1). */
export interface RollupAmounts {
  freeOperations: bigint;
  includedOperations: bigint;
  includedCredits: bigint;
  packageOperations: bigint;
  packageCredits: bigint;
  prepaidOperations: bigint;
  prepaidCredits: bigint;
  flexOperations: bigint;
  flexCredits: bigint;
}

export interface UsageStatementLineDraft {
  /** The operation type's code. */
  operationType: string;
  /** The source that paid; null for the free tier. */
  source: CreditSourceCode | null;
  operations: bigint;
  credits: bigint;
  description: string;
}

// Statements are written in one locale, whatever the reader's browser.
const LOCALE = "en-US";

/** The sources in the order they are spent (R5), the free tier first. */
const SOURCES: { source: CreditSourceCode | null; operations: keyof RollupAmounts; credits: keyof RollupAmounts | null }[] = [
  { source: null, operations: "freeOperations", credits: null },
  { source: "INCLUDED", operations: "includedOperations", credits: "includedCredits" },
  { source: "PACKAGE", operations: "packageOperations", credits: "packageCredits" },
  { source: "PREPAID", operations: "prepaidOperations", credits: "prepaidCredits" },
  { source: "FLEX", operations: "flexOperations", credits: "flexCredits" },
];

/**
 * The lines for what a rollup row holds beyond what was already stated:
 * each source's operations and credits since the last statement of its hour.
 * A row only grows (debits add to it, nothing takes away), so the
 * differences are never negative; a source with nothing new has no line.
 */
export function unstatedLines(
  operationType: { code: string; name: string },
  current: RollupAmounts,
  stated: RollupAmounts,
): UsageStatementLineDraft[] {
  const lines: UsageStatementLineDraft[] = [];
  for (const { source, operations: opsKey, credits: creditsKey } of SOURCES) {
    const operations = current[opsKey] - stated[opsKey];
    const credits = creditsKey === null ? 0n : current[creditsKey] - stated[creditsKey];
    if (operations < 0n || credits < 0n)
      throw new RangeError(`a rollup row holds less than was stated (${operationType.code}, ${source ?? "free"})`);
    if (operations === 0n && credits === 0n) continue;
    lines.push({
      operationType: operationType.code,
      source,
      operations,
      credits,
      description: usageLineDescription(operationType.name, source, operations, credits),
    });
  }
  return lines;
}

const FROM: Record<CreditSourceCode, string> = {
  INCLUDED: "from included credits",
  PACKAGE: "covered by packages",
  PREPAID: "from prepaid credits",
  FLEX: "on flex, billed at the end of the period",
};

/**
 * "Predict: 22 operations, 52,800 credits from included credits";
 * "Predict: 1,000 operations in the free tier, no charge". An operation paid
 * partly by two sources is counted for the one that completed it, its
 * credits where they were paid.
 */
export function usageLineDescription(
  operationTypeName: string,
  source: CreditSourceCode | null,
  operations: bigint,
  credits: bigint,
): string {
  const count = `${formatCount(operations, LOCALE)} ${operations === 1n ? "operation" : "operations"}`;
  if (source === null) return `${operationTypeName}: ${count} in the free tier, no charge`;
  return `${operationTypeName}: ${count}, ${formatCount(credits, LOCALE)} credits ${FROM[source]}`;
}
