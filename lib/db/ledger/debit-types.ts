// The shapes of a debit and its outcome. They belong to the engine
// (lib/billing/debit-decision.ts, balances.ts); re-exported here for the
// callers that name them with the ledger.
export type { BalanceSnapshot } from "@/lib/billing/balances";
export type { DebitOutcome, DebitRequest, SourceCredits, DebitRefusalReason as RefusalReason } from "@/lib/billing/debit-decision";
