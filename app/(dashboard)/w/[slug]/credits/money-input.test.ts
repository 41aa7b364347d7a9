import { describe, expect, it } from "vitest";
import { formatCardNumber, formatExpiryInput } from "./card/card-input";
import { centsToField, parseDollars } from "@/lib/money-input";

describe("parseDollars", () => {
  it.each([
    ["20", 2_000],
    ["$20", 2_000],
    [" 20.5 ", 2_050],
    ["99.99", 9_999],
    ["1,250.00", 125_000],
    ["10000", 1_000_000],
    ["0.07", 7],
  ])("reads %j as %d cents", (text, cents) => {
    expect(parseDollars(text)).toBe(cents);
  });

  it.each(["", "abc", "20.555", "-5", "1e3", "20.", ".5", "12345678"])("refuses %j", (text) => {
    expect(parseDollars(text)).toBeNull();
  });

  it("puts amounts back in a field as typed", () => {
    expect(centsToField(2_000)).toBe("20");
    expect(centsToField(2_050)).toBe("20.50");
    expect(centsToField(7)).toBe("0.07");
    for (const cents of [500, 1_999, 1_000_000]) expect(parseDollars(centsToField(cents))).toBe(cents);
  });
});

describe("card fields", () => {
  it("groups the card number by four and keeps at most 19 digits", () => {
    expect(formatCardNumber("4242424242424242")).toBe("4242 4242 4242 4242");
    expect(formatCardNumber("4000-0000 0000 0002")).toBe("4000 0000 0000 0002");
    expect(formatCardNumber("42424")).toBe("4242 4");
    expect(formatCardNumber("1".repeat(25)).replace(/ /g, "")).toHaveLength(19);
  });

  it("writes the expiry as MM/YY while it is typed", () => {
    expect(formatExpiryInput("1", "")).toBe("1");
    expect(formatExpiryInput("12", "1")).toBe("12/");
    expect(formatExpiryInput("12/2", "12/")).toBe("12/2");
    expect(formatExpiryInput("1229", "")).toBe("12/29");
    // A month that can only be one digit gets its zero.
    expect(formatExpiryInput("4", "")).toBe("04/");
    // Deleting the slash takes the month's last digit with it.
    expect(formatExpiryInput("12", "12/")).toBe("1");
  });
});
