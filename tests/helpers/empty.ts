// Stands in for the `server-only` package under vitest: tests run on the
// server by definition, so the guard has nothing to guard.
export {};
