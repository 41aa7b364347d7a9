// Runs once when the server starts: validate the environment so that a bad
// variable stops the server with its name instead of failing on first use.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./lib/env");
  env();
}
