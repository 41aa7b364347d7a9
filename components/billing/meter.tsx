import { cn } from "@/components/ui/cn";

/**
 * How much of an allowance is left, as a bar. Percent computed in BigInt
 * (credits can exceed 2^53); the text beside it carries the exact figures.
 */
export function RemainingMeter({ remaining, total, label }: { remaining: bigint; total: bigint; label: string }) {
  const percent = total > 0n ? Number((clamp(remaining, 0n, total) * 1000n) / total) / 10 : 0;
  const tone = percent <= 10 ? "bg-danger" : percent <= 25 ? "bg-warning" : "bg-primary";
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}% left`}
      className="h-1.5 w-full overflow-hidden rounded-full bg-surface-muted"
    >
      <div className={cn("h-full rounded-full transition-[width]", tone)} style={{ width: `${percent}%` }} />
    </div>
  );
}

function clamp(value: bigint, min: bigint, max: bigint): bigint {
  return value < min ? min : value > max ? max : value;
}
