// Command-line flags of the benchmark scripts: `--name value` pairs.

/** The value after `flag`, or undefined when the flag is absent. */
export function flagValue(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

/** A whole number ≥ 1 after `flag`, or `fallback` when the flag is absent. */
export function countFlag(args: string[], flag: string, fallback: number): number {
  const raw = flagValue(args, flag);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} needs a whole number ≥ 1, not ${raw}`);
  return parsed;
}
