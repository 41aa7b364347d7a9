// The billing engine's public API (STYLE: lib/billing is pure — no database,
// no Next, no clock; time always comes in as an argument, R8.7).
export * from "./periods";
export * from "./counting";
export * from "./rating";
export * from "./sources";
export * from "./flex";
export * from "./packages";
export * from "./invoice-lines";
export * from "./subscriptions"; // also re-exports plan-terms and renewals
export * from "./ledger-model";
