import { useId, type InputHTMLAttributes, type ReactNode } from "react";
import { FieldError } from "./field-error";
import { Input } from "./input";
import { Label } from "./label";

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  label: string;
  name: string;
  hint?: ReactNode;
  errors?: string[];
  /** Shown right of the label, e.g. a "Forgot password?" link. */
  labelAside?: ReactNode;
}

/** Label, input, hint and errors wired together for assistive technology. */
export function TextField({ label, name, hint, errors, labelAside, ...inputProps }: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = Boolean(errors?.length);
  const describedBy = [hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <div className="mb-1.5 flex items-baseline justify-between gap-3">
        <Label htmlFor={id}>{label}</Label>
        {labelAside}
      </div>
      <Input id={id} name={name} aria-invalid={invalid || undefined} aria-describedby={describedBy} {...inputProps} />
      {hint ? (
        <p id={hintId} className="mt-1.5 text-[13px] text-muted-foreground">
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} errors={errors} />
    </div>
  );
}
