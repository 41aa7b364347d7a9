// The shapes of a debit and its outcome: plain types, shared by the database
// layer and pure code (API responses) without importing the database.

export interface DebitRequest {
  workspaceId: string;
  /** Operation type code, e.g. "predict". */
  operationType: string;
  operations: bigint;
  idempotencyKey: string;
  requestId: string;
  apiKeyId?: string | null;
  at: Date;
}

export interface SourceCredits {
  included: bigint;
  package: bigint;
  prepaid: bigint;
  flex: bigint;
}

export interface BalanceSnapshot {
  included: bigint;
  includedExpiresAt: Date | null;
  prepaid: bigint;
  flexUsed: bigint;
  packages: { id: string; operationType: string; remainingOperations: bigint; expiresAt: Date }[];
}

export type RefusalReason =
  "insufficient_credits" | "arrears" | "spend_cap" | "retention" | "unknown_workspace" | "unknown_operation_type" | "key_revoked";

export type DebitOutcome =
  | { status: "charged"; replayed: boolean; operations: bigint; credits: bigint; sources: SourceCredits; balance: BalanceSnapshot }
  | { status: "refused"; reason: RefusalReason; balance: BalanceSnapshot | null };
