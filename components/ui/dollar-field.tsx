"use client";

// A dollar amount typed by a person: a "$" inside the field, a hint under it
// (what the amount comes to, or what is expected), and its errors. The text is
// read with lib/money-input (integer cents, no floating point).
import { useId, type ReactNode } from "react";
import { cn } from "./cn";
import { FieldError } from "./field-error";
import { inputClassName } from "./input";
import { Label } from "./label";

export function DollarField({
  label,
  name,
  value,
  onChange,
  hint,
  errors,
  placeholder,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  hint: ReactNode;
  errors?: string[];
  placeholder?: string;
}) {
  const id = useId();
  const invalid = Boolean(errors?.length);
  return (
    <div>
      <Label htmlFor={id} className="mb-1.5">
        {label}
      </Label>
      <div className="relative max-w-48">
        <span aria-hidden className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-sm text-muted-foreground">
          $
        </span>
        <input
          id={id}
          name={name}
          inputMode="decimal"
          autoComplete="off"
          value={value}
          placeholder={placeholder}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={invalid || undefined}
          aria-describedby={`${id}-hint${invalid ? ` ${id}-error` : ""}`}
          className={cn(inputClassName, "pl-7 tabular-nums")}
        />
      </div>
      <p id={`${id}-hint`} className="mt-1.5 text-[13px] tabular-nums text-muted-foreground">
        {hint}
      </p>
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}
