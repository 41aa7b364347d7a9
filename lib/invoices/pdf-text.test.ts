import { describe, expect, it } from "vitest";
import { fitToCharacterSet, wrapText } from "./pdf-text";

// WinAnsi, the character set of the PDF standard fonts (Helvetica): Latin-1
// plus the typographic punctuation of Windows-1252 — not "−", "→" or emoji.
const WIN_ANSI_EXTRAS = [
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
];
const winAnsi = (codePoint: number) =>
  (codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa0 && codePoint <= 0xff) || WIN_ANSI_EXTRAS.includes(codePoint);
const asciiOnly = (codePoint: number) => codePoint >= 0x20 && codePoint <= 0x7e;

describe("fitToCharacterSet", () => {
  it("keeps what the font can draw, accents and en dashes included", () => {
    expect(fitToCharacterSet("Café – Ünïcødé · Zürich", winAnsi)).toBe("Café – Ünïcødé · Zürich");
  });

  it("drops emoji with their joiners and selectors, without leaving double spaces", () => {
    expect(fitToCharacterSet("Acme 🚀 Labs 👩🏽‍💻 ❤️", winAnsi)).toBe("Acme Labs");
    expect(fitToCharacterSet("🇫🇷 Paris", winAnsi)).toBe("Paris");
  });

  it("replaces what WinAnsi lacks by its nearest stand-in", () => {
    // A flex line (lib/billing/invoice-lines.ts) and the page's minus sign.
    expect(fitToCharacterSet("155,419,999 credits → $77.70", winAnsi)).toBe("155,419,999 credits -> $77.70");
    expect(fitToCharacterSet("−$5.00", winAnsi)).toBe("-$5.00");
    expect(fitToCharacterSet("≈ $17.60", winAnsi)).toBe("~ $17.60");
    expect(fitToCharacterSet("Łódź Gdańsk Kraków", winAnsi)).toBe("Lódz Gdansk Kraków");
  });

  it("turns thin spaces (Intl date ranges) and line breaks into plain spaces", () => {
    expect(fitToCharacterSet("Nov 14\u2009–\u2009Dec 14, 2026", winAnsi)).toBe("Nov 14 – Dec 14, 2026");
    expect(fitToCharacterSet("two\nlines\tand a tab", winAnsi)).toBe("two lines and a tab");
  });

  it("falls back to ASCII and to ? for what has no stand-in", () => {
    expect(fitToCharacterSet("Café – ok · 2×3 “quoted”", asciiOnly)).toBe('Cafe - ok - 2x3 "quoted"');
    expect(fitToCharacterSet("東京 Tokyo", winAnsi)).toBe("?? Tokyo");
  });

  it("leaves a font that has every character alone", () => {
    const text = "Flex: 155,419,999 credits used in the period → $77.70 · −$5.00";
    expect(fitToCharacterSet(text, () => true)).toBe(text);
  });
});

describe("wrapText", () => {
  const width = (text: string) => text.length; // one unit per character

  it("breaks between words and never exceeds the column", () => {
    const lines = wrapText("Growth plan, Nov 14 – Dec 14, 2026 · billed at the end of the period", width, 20);
    expect(lines.every((line) => line.length <= 20)).toBe(true);
    expect(lines.join(" ")).toBe("Growth plan, Nov 14 – Dec 14, 2026 · billed at the end of the period");
    expect(lines.length).toBeGreaterThan(1);
  });

  it("keeps a short text on one line, and an empty one as one empty line", () => {
    expect(wrapText("Discount", width, 20)).toEqual(["Discount"]);
    expect(wrapText("", width, 20)).toEqual([""]);
  });

  it("breaks a word longer than the column between characters", () => {
    expect(wrapText("ref pi_0123456789abcdef", width, 8)).toEqual(["ref", "pi_01234", "56789abc", "def"]);
  });
});
