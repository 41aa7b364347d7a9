import { describe, expect, it } from "vitest";
import { thingsToDo, type AttentionInput } from "./things-to-do";

const now = new Date("2027-03-15T12:00:00Z");
const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
const calm: AttentionInput = {
  now,
  base: "/w/acme",
  autoTopUpThreshold: null,
  prepaid: 0n,
  hasCard: true,
  planRequiresCard: true,
  flexEnabled: true,
  includedRunsOutAt: null,
  refusedFrom: null,
  periodEnd: day(16),
  expiringPackages: [],
};

describe("the Overview's things to do", () => {
  it("says nothing when nothing needs attention", () => {
    expect(thingsToDo(calm)).toEqual([]);
  });

  it("R10 included credits running out before the period ends, at this pace", () => {
    expect(thingsToDo({ ...calm, includedRunsOutAt: day(4) })).toEqual([
      {
        tone: "info",
        text: "Included credits run out in about 4 days at this pace, before the period ends.",
        href: "/w/acme/usage?range=period",
        action: "See the forecast",
      },
    ]);
    expect(thingsToDo({ ...calm, includedRunsOutAt: day(20) })).toEqual([]);
  });

  it("R7.2 prepaid below the auto top-up threshold; R5.5 calls to be refused with flex off; a card missing", () => {
    const texts = thingsToDo({
      ...calm,
      hasCard: false,
      autoTopUpThreshold: 1_000n,
      prepaid: 999n,
      flexEnabled: false,
      refusedFrom: day(2),
    }).map((item) => [item.tone, item.text, item.action]);
    expect(texts).toEqual([
      ["danger", "Your plan needs a card on file to be charged.", "Add a card"],
      [
        "warning",
        "At this pace, calls will be refused in about 2 days: your credits run out and flex billing is off.",
        "Buy credits or turn on flex",
      ],
      ["warning", "Prepaid credits are below your auto top-up threshold.", "Add a card"],
    ]);
  });

  it("R6 a package that does not renew, in its last week", () => {
    const items = thingsToDo({
      ...calm,
      expiringPackages: [
        { name: "100,000 predict · 1 month", expiresAt: day(3) },
        { name: "1,000,000 predict · 1 year", expiresAt: day(40) },
      ],
    });
    expect(items.map((item) => item.text)).toEqual(["100,000 predict · 1 month expires in about 3 days and does not renew."]);
  });
});
