// Seeded randomness for property tests: a failure names the seed that broke.
export { seededRandom as random } from "@/lib/db/seed/usage-shape";

/** `operations` in one to four batches of random sizes, sometimes starting with a single operation. */
export function randomSplit(operations: bigint, next: () => number): bigint[] {
  if (operations === 0n) return [];
  const sizes: bigint[] = [];
  let left = operations;
  if (next() < 0.15) {
    sizes.push(1n);
    left -= 1n;
  }
  const cuts = Math.floor(next() * 3);
  for (let cut = 0; cut < cuts && left > 1n; cut += 1) {
    const size = 1n + BigInt(Math.floor(next() * Number(left - 1n)));
    sizes.push(size);
    left -= size;
  }
  if (left > 0n) sizes.push(left);
  return sizes;
}
