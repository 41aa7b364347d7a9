import { describe, expect, it } from "vitest";
import { assertSafeName, nameField, unsafeNameCharacter, withoutUnsafeCharacters } from "./names";

const field = nameField("Name your workspace.");

describe("names people choose and others read", () => {
  it.each([
    ["Acme Vision"],
    ["Acme, Inc. (EU) — R&D #2"],
    ["Zoë's Café"],
    ["東京ラボ"],
    ["شركة الرؤية"], // right-to-left text itself is fine
    ["עברית"],
    ["می‌خواهم"], // Persian needs the zero-width non-joiner (U+200C)
    ["क्‍ष"], // Devanagari with a zero-width joiner (U+200D)
    ["Team 👩‍💻🚀"], // an emoji ZWJ sequence
    ["x".repeat(100)],
  ])("accepts %j", (name) => {
    expect(unsafeNameCharacter(name)).toBeNull();
    expect(field.safeParse(name).success).toBe(true);
    expect(() => assertSafeName(name, "The name")).not.toThrow();
  });

  it.each([
    ["Acme\u202Egnp.exe", "\u202E"], // right-to-left override
    ["Acme\u202D", "\u202D"], // left-to-right override
    ["Acme\u202A", "\u202A"], // embeddings
    ["Acme\u202B", "\u202B"],
    ["Acme\u202C", "\u202C"], // pop directional formatting
    ["Acme\u2066x\u2069", "\u2066"], // isolates
    ["Acme\u2067", "\u2067"],
    ["Acme\u2068", "\u2068"],
    ["Ac\u200Fme", "\u200F"], // right-to-left mark
    ["Ac\u200Eme", "\u200E"], // left-to-right mark
    ["Ac\u061Cme", "\u061C"], // Arabic letter mark
    ["Ac\u200Bme", "\u200B"], // zero-width space
    ["Ac\u2060me", "\u2060"], // word joiner
    ["Ac\uFEFFme", "\uFEFF"], // byte order mark
    ["Ac\u00ADme", "\u00AD"], // soft hyphen (invisible)
    ["Acme\nSupport says: refund", "\n"],
    ["Acme\rVision", "\r"],
    ["Acme\tVision", "\t"],
    ["Acme\u0000", "\u0000"],
    ["Acme\u001B[31m", "\u001B"], // terminal escape
    ["Acme\u007F", "\u007F"],
    ["Acme\u0085", "\u0085"], // C1 next line
    ["Acme\u2028Vision", "\u2028"], // line separator
    ["Acme\u2029Vision", "\u2029"], // paragraph separator
    ["Acme\uE000", "\uE000"], // private use
    ["Acme\uD800", "\uD800"], // lone surrogate
  ])("refuses %j (holds %j)", (name, character) => {
    expect(unsafeNameCharacter(name)).toBe(character);
    const parsed = field.safeParse(name);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/letters, numbers, spaces and punctuation only/);
    expect(() => assertSafeName(name, "The workspace name")).toThrow(/The workspace name holds U\+/);
  });

  it("trims, and refuses empty or overlong names", () => {
    expect(field.parse("  Acme  ")).toBe("Acme");
    expect(field.safeParse("   ").error?.issues[0]?.message).toBe("Name your workspace.");
    expect(field.safeParse("x".repeat(101)).error?.issues[0]?.message).toBe("Use at most 100 characters.");
    expect(field.safeParse(undefined).error?.issues[0]?.message).toBe("Name your workspace.");
    expect(() => assertSafeName(" ", "The name")).toThrow(/1 to 100 characters/);
    expect(() => assertSafeName("x".repeat(101), "The name")).toThrow(/1 to 100 characters/);
  });

  it("strips unsafe characters from names we did not type (e.g. a GitHub profile)", () => {
    expect(withoutUnsafeCharacters(" Mallory\u202Egnp.exe\n")).toBe("Mallorygnp.exe");
    expect(withoutUnsafeCharacters("\u200B\u202E")).toBe("");
    expect(withoutUnsafeCharacters("می‌خواهم")).toBe("می‌خواهم");
  });
});
