// What the card fields do to what is typed: the number in groups of four,
// the expiry as MM/YY. Formatting only; the server checks the card.

/** "4242 4242 4242 4242" from whatever was typed or pasted (at most 19 digits). */
export function formatCardNumber(text: string): string {
  const digits = text.replace(/\D/g, "").slice(0, 19);
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** "12/29" as it is typed: the slash comes after the month. */
export function formatExpiryInput(text: string, previous: string): string {
  const digits = text.replace(/\D/g, "").slice(0, 4);
  // Deleting the slash deletes the month's last digit with it.
  if (previous.endsWith("/") && text.length < previous.length) return digits.slice(0, 1);
  if (digits.length === 1 && Number(digits) > 1) return `0${digits}/`;
  if (digits.length >= 2) return `${digits.slice(0, 2)}/${digits.slice(2)}`;
  return digits;
}

/** The brand a number's first digits announce, shown beside the field as it is typed. */
export function brandOf(number: string): string | null {
  const digits = number.replace(/\D/g, "");
  if (/^4/.test(digits)) return "Visa";
  if (/^(5[1-5]|2[2-7])/.test(digits)) return "Mastercard";
  if (/^3[47]/.test(digits)) return "American Express";
  return null;
}
