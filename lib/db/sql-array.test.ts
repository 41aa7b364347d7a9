import { describe, expect, it } from "vitest";
import { pgArray } from "./sql-array";

describe("pgArray", () => {
  it.each([
    [[], "{}"],
    [["USAGE"], '{"USAGE"}'],
    [["a", null, "b"], '{"a",NULL,"b"}'],
    [["1", 2, true], '{"1","2","true"}'],
    [['say "hi"', "back\\slash", "comma,brace}"], '{"say \\"hi\\"","back\\\\slash","comma,brace}"}'],
  ] as const)("%j → %s", (values, literal) => {
    expect(pgArray(values)).toBe(literal);
  });
});

describe("pgArray with BigInt", () => {
  it("writes whole numbers exactly", () => {
    expect(pgArray([12_345_678_901_234_567_890n, -1n])).toBe('{"12345678901234567890","-1"}');
  });
});
