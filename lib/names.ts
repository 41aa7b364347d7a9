// Names that people choose and others read: workspace names (teammates, the
// support console, invoices) and people's names. Such a name may hold any
// letters, digits, punctuation, symbols and emoji of any script, but no
// character that changes how the text around it is shown: control characters
// (line breaks, escapes), bidirectional overrides and isolates (U+202E turns
// "Acme‮gnp.exe" around), invisible format characters (zero-width spaces, word
// joiners, BOMs), line and paragraph separators, private-use code points and
// lone surrogates. The zero-width (non-)joiners stay: Persian, Indic scripts
// and emoji sequences need them. Pure: the forms' schemas and the data layer
// share it.
import { z } from "zod";

const UNSAFE_CHARACTER = /[\p{Cc}\p{Cs}\p{Co}\p{Zl}\p{Zp}]|(?![\u200C\u200D])\p{Cf}/u;
const UNSAFE_CHARACTERS = new RegExp(UNSAFE_CHARACTER.source, "gu");

export const NAME_MAX_LENGTH = 100;
export const UNSAFE_NAME_MESSAGE = "Use letters, numbers, spaces and punctuation only (no control or text-direction characters).";

/** The first character of `name` that must not be in a name, or null. */
export function unsafeNameCharacter(name: string): string | null {
  return UNSAFE_CHARACTER.exec(name)?.[0] ?? null;
}

/** `name` without the characters a name must not hold, trimmed (for names we did not type, e.g. from GitHub). */
export function withoutUnsafeCharacters(name: string): string {
  return name.replace(UNSAFE_CHARACTERS, "").trim();
}

/** Throws when `name` may not be stored as a name (the data layer's last check, behind the forms). */
export function assertSafeName(name: string, what: string): void {
  const unsafe = unsafeNameCharacter(name);
  if (unsafe !== null) {
    throw new RangeError(`${what} holds U+${unsafe.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}, which names may not hold`);
  }
  if (name.trim() === "" || name.length > NAME_MAX_LENGTH) throw new RangeError(`${what} must be 1 to ${NAME_MAX_LENGTH} characters`);
}

/** A name field of a form: trimmed, 1 to NAME_MAX_LENGTH characters, none of them unsafe. */
export function nameField(emptyMessage: string) {
  return z
    .string(emptyMessage)
    .trim()
    .min(1, emptyMessage)
    .max(NAME_MAX_LENGTH, `Use at most ${NAME_MAX_LENGTH} characters.`)
    .refine((name) => unsafeNameCharacter(name) === null, UNSAFE_NAME_MESSAGE);
}
