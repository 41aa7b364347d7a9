// A PostgreSQL array literal ('{"a","b",NULL}') for a raw query parameter,
// cast in SQL to the array type it holds ('…'::uuid[]). Both drivers pass a
// string the same way, whereas they differ in how they send JS arrays (the
// PGlite adapter sends an empty or one-element array as a bare string).
export function pgArray(values: readonly (string | number | bigint | boolean | null | undefined)[]): string {
  const items = values.map((value) => {
    if (value === null || value === undefined) return "NULL";
    return `"${String(value).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(",")}}`;
}

export interface SqlStatement {
  text: string;
  values: unknown[];
}

/** A tagged template to a parameterized statement: `sql\`… ${x}::uuid\`` → "… $1::uuid" with [x]. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlStatement {
  let text = strings[0]!;
  values.forEach((_, index) => (text += `$${index + 1}${strings[index + 1]!}`));
  return { text, values };
}
