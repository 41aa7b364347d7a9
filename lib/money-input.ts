// Dollar amounts typed by people (top-ups, auto top-up, the guardrails), read as integer cents without floating
// point: "20", "20.5", "1,250.00" and "$5" are fine; anything else is not a
// number of dollars and cents.

/** Cents of a typed dollar amount, or null when it is not one. */
export function parseDollars(text: string): number | null {
  const cleaned = text.trim().replace(/^\$/, "").replace(/,/g, "").trim();
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const dollars = Number(match[1]);
  const cents = Number((match[2] ?? "").padEnd(2, "0"));
  return dollars * 100 + cents;
}

/** "20" for 2000 cents, "20.50" for 2050: how an amount is put back in a field. */
export function centsToField(cents: number): string {
  const dollars = Math.trunc(cents / 100);
  const rest = cents % 100;
  return rest === 0 ? String(dollars) : `${dollars}.${String(rest).padStart(2, "0")}`;
}
