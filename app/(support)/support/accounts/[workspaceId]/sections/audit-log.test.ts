import { describe, expect, it } from "vitest";
import { detailLines } from "./audit-log";

// R11: an audit row's detail in plain words on the account page.
describe("the audit detail in plain words", () => {
  it("shows a support action's before and after as changes, field by field", () => {
    expect(detailLines({ credits: "5000000", before: { prepaid: "10000000" }, after: { prepaid: "15000000" } })).toEqual([
      { field: "Prepaid", before: "10,000,000 credits", value: "15,000,000 credits" },
      { field: "Credits", value: "5,000,000 credits" },
    ]);
  });

  it("shows a field only on one side as set or removed", () => {
    expect(detailLines({ before: { limit: null }, after: { limit: 50, window: "SECOND" } })).toEqual([
      { field: "Limit", before: "none", value: "50" },
      { field: "Window", before: "none", value: "SECOND" },
    ]);
  });

  it("writes instants as UTC dates, cents as dollars, flags as yes or no", () => {
    expect(detailLines({ graceEndsAt: "2027-05-07T09:00:00.000Z", amountCents: 2500, flexEnabled: false })).toEqual([
      { field: "Grace ends at", value: "May 7, 2027, 09:00 UTC" },
      { field: "Amount", value: "$25.00" },
      { field: "Flex enabled", value: "no" },
    ]);
  });

  it("has nothing to show for an empty detail", () => {
    expect(detailLines({})).toEqual([]);
    expect(detailLines(null)).toEqual([]);
  });
});
