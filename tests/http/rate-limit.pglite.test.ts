import { describe, inject, it } from "vitest";
import { hourly, sixteenAtOnce, twentySpaced } from "./rate-limit-cases";

// R9.3 through real HTTP on the embedded default (R13): the production
// build on PGlite with the in-process rate limiter (tests/http/pglite-setup.ts).
describe("rate limits over HTTP on the embedded default (PGlite, in-process limiter)", () => {
  const server = () => [inject("pgliteBaseUrl")];
  const keys = () => inject("pgliteKeys");

  it("16 calls sent at once on a cold key → exactly 15 × 200 and 1 × 429 with the exact body and Retry-After (R9.3)", async () => {
    await sixteenAtOnce(server(), keys().burst);
  });

  it("20 calls spaced 25 ms apart → exactly 15 admitted (R9.3: at most 15 in any rolling second)", async () => {
    await twentySpaced(server(), keys().spaced);
  });

  it("the hourly limit holds over the rolling hour, past the per-second window (R9.3, R11 support override)", async () => {
    await hourly(server(), keys().hourly);
  });
});
