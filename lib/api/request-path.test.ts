import { describe, expect, it } from "vitest";
import { routedPathname, targetsPath } from "./request-path";

const OPERATIONS = "/api/v1/operations";

describe("request paths as Next.js routes them", () => {
  it.each([
    ["/api/v1/operations"],
    ["/api/v1/operations?x=1"],
    ["/api/v1/./operations"],
    ["/api/v1/x/../operations"],
    ["/api/v1/%2e/operations"],
    ["/api/v1/%2E/operations"],
    ["/api/v1/x/%2e%2e/operations"],
    ["/api/v1/x/.%2E/operations"],
    ["/api/%2E%2E/api/v1/operations"],
    ["/api//v1/operations"],
    ["//api/v1/operations"],
    ["/api/v1//operations"],
    ["/api/v1/operations/"],
    ["/api/v1/operations//"],
    ["/api/v1\\operations"],
    ["/api\\v1\\.\\operations"],
    ["/api/v1/operations#fragment"],
    ["/api/v1/operations/.?x"],
    ["http://other.example/api/v1/operations"],
  ])("%j is the operations endpoint", (target) => {
    expect(targetsPath(target, OPERATIONS)).toBe(true);
  });

  it.each([
    ["/api/v1/balance"],
    ["/api/v1/operationsx"],
    ["/api/v1/operations.json"],
    ["/API/v1/operations"], // Next.js routes are case-sensitive: a 404 there
    ["/api/v1/%6Fperations"], // Next.js does not decode other characters: a 404 there
    ["/api/v1%2Foperations"],
    ["/api/v1/operations%2F"],
    ["/api/v1/operations;x"],
    ["/api/v2/operations"],
    ["/"],
    [undefined],
  ])("%j is not", (target) => {
    expect(targetsPath(target, OPERATIONS)).toBe(false);
  });

  it("resolves dot segments above the root to the root", () => {
    expect(routedPathname("/../../api/v1/operations")).toBe(OPERATIONS);
    expect(routedPathname("/")).toBe("/");
    expect(routedPathname("//")).toBe("/");
  });
});
