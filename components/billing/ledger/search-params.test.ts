import { describe, expect, it } from "vitest";
import { ledgerHref, ledgerViewHref, parseLedgerSearch, shortKey } from "./search-params";

const TYPES = ["predict", "upload", "search", "train"];

describe("the ledger page's address", () => {
  it("reads no parameters as the newest entries, unfiltered", () => {
    expect(parseLedgerSearch({}, TYPES)).toEqual({
      ok: true,
      form: { kind: "", source: "", type: "", from: "", to: "" },
      filters: { kind: undefined, source: undefined, operationType: undefined, from: undefined, to: undefined },
      filtered: false,
      cursor: undefined,
      direction: "older",
    });
  });

  it("treats the empty fields of the GET form as absent", () => {
    const search = parseLedgerSearch({ kind: "", source: "", type: "", from: "", to: "" }, TYPES);
    expect(search).toMatchObject({ ok: true, filtered: false });
  });

  it("turns whole UTC days into instants, the end day included", () => {
    const search = parseLedgerSearch({ kind: "usage", source: "flex", type: "predict", from: "2026-03-05", to: "2026-03-05" }, TYPES);
    expect(search).toMatchObject({
      ok: true,
      filtered: true,
      filters: {
        kind: "usage",
        source: "flex",
        operationType: "predict",
        from: new Date("2026-03-05T00:00:00Z"),
        to: new Date("2026-03-06T00:00:00Z"),
      },
    });
  });

  it("reads a cursor and its direction", () => {
    expect(parseLedgerSearch({ before: "dS4xLjE" }, TYPES)).toMatchObject({ ok: true, cursor: "dS4xLjE", direction: "older" });
    expect(parseLedgerSearch({ after: "dS4xLjE" }, TYPES)).toMatchObject({ ok: true, cursor: "dS4xLjE", direction: "newer" });
  });

  it.each([
    [{ kind: "refund" }, "kind", "Choose a kind from the list."],
    [{ source: "card" }, "source", "Choose a source from the list."],
    [{ type: "teleport" }, "type", "Choose an operation type from the list."],
    [{ kind: ["usage", "forfeit"] }, "kind", "Choose a kind from the list."],
    [{ from: "05/03/2026" }, "from", "The start date must be a date such as 2026-03-05."],
    [{ to: "2026-02-30" }, "to", "The end date is not a day of the calendar."],
    [{ from: "2026-03-06", to: "2026-03-05" }, "to", "The end date is before the start date."],
    [{ before: "not a cursor" }, "page", "The page link is not valid."],
    [{ before: "abc", after: "abc" }, "page", "The page link is not valid."],
  ])("refuses %j, naming the field", (params, field, message) => {
    const search = parseLedgerSearch(params, TYPES);
    expect(search.ok).toBe(false);
    if (!search.ok) expect(search.problems[field as keyof typeof search.problems]).toEqual([message]);
  });

  it("keeps what was typed for the form, even when it is refused", () => {
    expect(parseLedgerSearch({ kind: "refund", from: "2026-03-05" }, TYPES).form).toEqual({
      kind: "refund",
      source: "",
      type: "",
      from: "2026-03-05",
      to: "",
    });
  });

  it("writes the same parameters back, only those set", () => {
    expect(ledgerHref("acme")).toBe("/w/acme/credits/ledger");
    expect(ledgerHref("acme", { kind: "usage", source: "", from: "2026-03-05" }, { before: "abc" })).toBe(
      "/w/acme/credits/ledger?kind=usage&from=2026-03-05&before=abc",
    );
    expect(ledgerHref("acme", {}, { after: "xyz" })).toBe("/w/acme/credits/ledger?after=xyz");
  });

  it("writes them at another address too, before its fragment (the support console's account page)", () => {
    expect(ledgerViewHref("/support/accounts/ws-1#ledger")).toBe("/support/accounts/ws-1#ledger");
    expect(ledgerViewHref("/support/accounts/ws-1#ledger", { kind: "grant", to: "2026-03-31" }, { before: "abc" })).toBe(
      "/support/accounts/ws-1?kind=grant&to=2026-03-31&before=abc#ledger",
    );
    expect(ledgerViewHref("/support/accounts/ws-1", { type: "predict" })).toBe("/support/accounts/ws-1?type=predict");
  });

  it("shortens a long idempotency key to its start and end", () => {
    expect(shortKey("k1")).toBe("k1");
    expect(shortKey("demo:predict:1767225600000")).toBe("demo:predict:…600000");
    expect(shortKey("0192f3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d")).toBe("0192f3c4-5e6f…4b5c6d");
  });
});
