// Text for the invoice PDF: what a font cannot draw is replaced by the nearest
// thing it can (a PDF font encodes only its own characters, and a standard
// font only WinAnsi), and long text is wrapped to a column. Pure, no PDF here.

/** Characters with a plain stand-in, for fonts that lack them. */
const STAND_INS: Record<string, string> = {
  "\u2212": "-", // minus sign, as in "−$5.00"
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2015": "-",
  "\u2190": "<-",
  "\u2192": "->",
  "\u2194": "<->",
  "\u21d2": "=>",
  "\u2248": "~",
  "\u2260": "!=",
  "\u2264": "<=",
  "\u2265": ">=",
  "\u2022": "*",
  "\u00b7": "-",
  "\u00d7": "x",
  "\u2018": "'",
  "\u2019": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u2026": "...",
  "\u0141": "L",
  "\u0142": "l",
  "\u0110": "D",
  "\u0111": "d",
  "\u0131": "i",
  "\u00df": "ss",
  "\u00a0": " ",
};

/** Spaces of every width (Intl puts thin ones around the dash of a date range). */
const SPACE = /[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]/u;
/** Emoji and their joiners, selectors and modifiers: dropped when the font has no glyph for them. */
const PICTOGRAPH = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d\ufe0e\ufe0f\u20e3]|[\u{e0020}-\u{e007f}]/u;
const COMBINING_MARK = /\p{M}/u;
const CONTROL = /\p{Cc}|\p{Cf}/u;

/**
 * `text` with every character the font cannot draw replaced: spaces of any
 * kind by a plain space, accented letters by their base letter, dashes and
 * arrows by ASCII, emoji dropped, anything else by "?". Runs of spaces become one.
 */
export function fitToCharacterSet(text: string, supports: (codePoint: number) => boolean): string {
  let out = "";
  for (const char of text) {
    out += fitCharacter(char, supports);
  }
  return out.replace(/ {2,}/g, " ").trim();
}

function fitCharacter(char: string, supports: (codePoint: number) => boolean): string {
  const codePoint = char.codePointAt(0)!;
  if (char === " ") return " ";
  if (SPACE.test(char)) return supports(codePoint) && char !== "\t" && char !== "\n" && char !== "\r" ? char : " ";
  if (supports(codePoint)) return char;
  if (PICTOGRAPH.test(char) || CONTROL.test(char)) return "";
  const standIn = STAND_INS[char];
  if (standIn !== undefined && [...standIn].every((c) => supports(c.codePointAt(0)!))) return standIn;
  if (standIn !== undefined) return [...standIn].map((c) => fitCharacter(c, supports)).join("");
  if (COMBINING_MARK.test(char)) return "";
  // "ő" → "o" + combining mark → "o"; "ﬁ" → "fi".
  const decomposed = char.normalize("NFKD");
  if (decomposed !== char) {
    const base = [...decomposed].filter((c) => !COMBINING_MARK.test(c));
    if (base.length > 0 && base.every((c) => supports(c.codePointAt(0)!))) return base.join("");
  }
  return supports(0x3f) ? "?" : "";
}

/**
 * `text` cut into lines no wider than `maxWidth` (as measured by `width`),
 * breaking between words; a word wider than the column is broken between characters.
 */
export function wrapText(text: string, width: (text: string) => number, maxWidth: number): string[] {
  const words = text.split(" ").filter((word) => word !== "");
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (width(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    if (width(word) <= maxWidth) {
      line = word;
      continue;
    }
    // A word longer than the whole column (a long reference): break it anywhere.
    line = "";
    for (const char of word) {
      if (line !== "" && width(line + char) > maxWidth) {
        lines.push(line);
        line = "";
      }
      line += char;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}
