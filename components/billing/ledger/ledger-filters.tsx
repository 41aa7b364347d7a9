// The ledger's filters: a plain GET form, so it works without JavaScript and
// every filtered view has its own address. Submitting starts again at the
// newest entries (the form carries no cursor).
import Link from "next/link";
import type { ReactNode } from "react";
import { Button, buttonClassName } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { Input, inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { LEDGER_KINDS, LEDGER_SOURCES } from "@/lib/db/queries/ledger-explorer";
import { kindLabels, sourceLabels } from "./ledger-table";
import type { LedgerField, LedgerForm } from "./search-params";

const selectClassName = cn(inputClassName, "h-9 pr-8");

export function LedgerFilters({
  basePath,
  form,
  operationTypes,
  problems = {},
  filtered,
}: {
  /** The ledger's address without filters (ledgerHref / ledgerViewHref): where the form goes and "Clear filters" leads. */
  basePath: string;
  form: LedgerForm;
  operationTypes: { code: string; name: string }[];
  problems?: Partial<Record<LedgerField, string[]>>;
  filtered: boolean;
}) {
  return (
    <Card className="mb-6 p-4 sm:p-5">
      <form method="get" action={basePath} role="search" aria-label="Filter the ledger" data-view-control>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          <Field id="ledger-kind" label="Kind" errors={problems.kind} className="col-span-2 sm:col-span-1">
            <select
              id="ledger-kind"
              name="kind"
              defaultValue={form.kind}
              className={selectClassName}
              {...invalid("ledger-kind", problems.kind)}
            >
              <option value="">All kinds</option>
              {LEDGER_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kindLabels[kind].filter}
                </option>
              ))}
            </select>
          </Field>
          <Field id="ledger-source" label="Source" errors={problems.source}>
            <select
              id="ledger-source"
              name="source"
              defaultValue={form.source}
              className={selectClassName}
              {...invalid("ledger-source", problems.source)}
            >
              <option value="">All sources</option>
              {LEDGER_SOURCES.map((source) => (
                <option key={source} value={source}>
                  {sourceLabels[source]}
                </option>
              ))}
            </select>
          </Field>
          <Field id="ledger-type" label="Operation type" errors={problems.type}>
            <select
              id="ledger-type"
              name="type"
              defaultValue={form.type}
              className={selectClassName}
              {...invalid("ledger-type", problems.type)}
            >
              <option value="">All types</option>
              {operationTypes.map((type) => (
                <option key={type.code} value={type.code}>
                  {type.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="ledger-from" label="From" errors={problems.from}>
            <Input
              id="ledger-from"
              name="from"
              type="date"
              defaultValue={form.from}
              className="h-9"
              {...invalid("ledger-from", problems.from)}
            />
          </Field>
          <Field id="ledger-to" label="To" errors={problems.to}>
            <Input id="ledger-to" name="to" type="date" defaultValue={form.to} className="h-9" {...invalid("ledger-to", problems.to)} />
          </Field>
        </div>
        <div className="mt-4 flex flex-wrap items-center gap-2">
          <Button type="submit" size="sm">
            Apply filters
          </Button>
          {filtered ? (
            <Link href={basePath} className={buttonClassName({ variant: "ghost", size: "sm" })}>
              Clear filters
            </Link>
          ) : null}
          <p className="text-[13px] text-muted-foreground sm:ml-auto">Dates are whole days in UTC, both ends included.</p>
        </div>
      </form>
    </Card>
  );
}

function Field({
  id,
  label,
  errors,
  className,
  children,
}: {
  id: string;
  label: string;
  errors?: string[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={cn("min-w-0", className)}>
      <Label htmlFor={id} className="mb-1.5 text-[13px]">
        {label}
      </Label>
      {children}
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}

function invalid(id: string, errors?: string[]) {
  return errors?.length ? { "aria-invalid": true, "aria-describedby": `${id}-error` } : {};
}
