import type { InputHTMLAttributes } from "react";
import { cn } from "./cn";

export const inputClassName =
  "block h-10 w-full rounded-lg border border-input bg-surface px-3 text-sm text-foreground shadow-card " +
  "placeholder:text-muted-foreground/70 transition-colors focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-ring/40 " +
  "disabled:cursor-not-allowed disabled:opacity-60 aria-invalid:border-danger aria-invalid:focus-visible:outline-danger/40";

export function Input({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={cn(inputClassName, className)} {...props} />;
}
