import { CircleAlert } from "lucide-react";

/** The errors of one field, referenced by the field's aria-describedby. */
export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="mt-1.5 flex items-start gap-1.5 text-[13px] text-danger">
      <CircleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0" />
      <span>{errors.join(" ")}</span>
    </p>
  );
}
