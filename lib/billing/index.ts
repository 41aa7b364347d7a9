// The billing engine's public API (STYLE: lib/billing is pure — no database,
// no Next, no clock; time always comes in as an argument, R8.7). The
// reference model the property tests check the engine against
// (ledger-model.ts) is not part of it.
export * from "./periods";
export * from "./counting";
export * from "./rating";
export * from "./sources";
export * from "./flex";
export * from "./balances";
export * from "./debit-decision";
export * from "./packages";
export * from "./invoice-lines";
export * from "./usage-statements";
export * from "./subscriptions"; // also re-exports plan-terms and renewals
