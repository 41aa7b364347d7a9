// The ledger's entries as a table: what happened (with its operation type or
// package), how many operations, the exact credits and which sources paid
// them, and where to read more (the invoice, or the idempotency key it carried).
import Link from "next/link";
import { creditsUsd } from "@/components/billing/credit-amount";
import { formatDate, formatDateTime } from "@/components/billing/dates";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { LedgerExplorerEntry, LedgerKind, LedgerSource } from "@/lib/db/queries/ledger-explorer";
import { formatCount } from "@/lib/money";
import { shortKey } from "./search-params";

export const kindLabels: Record<LedgerKind, { label: string; filter: string; tone: BadgeTone }> = {
  usage: { label: "Usage", filter: "Usage", tone: "neutral" },
  included: { label: "Included credits", filter: "Included credits", tone: "info" },
  "top-up": { label: "Top-up", filter: "Top-ups", tone: "success" },
  grant: { label: "Support grant", filter: "Support grants", tone: "success" },
  package: { label: "Package bought", filter: "Packages bought", tone: "primary" },
  forfeit: { label: "Forfeited", filter: "Forfeits", tone: "warning" },
  expiry: { label: "Package expired", filter: "Package expiries", tone: "warning" },
  "flex-invoiced": { label: "Flex invoiced", filter: "Flex invoiced", tone: "info" },
  correction: { label: "Correction", filter: "Corrections", tone: "neutral" },
};

export const sourceLabels: Record<LedgerSource, string> = {
  included: "Included",
  package: "Package",
  prepaid: "Prepaid",
  flex: "Flex",
};

const SOURCES = ["included", "package", "prepaid", "flex"] as const;

const timeFormat = new Intl.DateTimeFormat("en-US", { timeStyle: "short", hourCycle: "h23", timeZone: "UTC" });

/**
 * A table on wide screens (scrolling sideways inside its card when it must); a stacked list on phones and tablets.
 * `slug` links invoice numbers to the workspace's invoice pages; without it (the support console) they are plain text.
 */
export function LedgerEntries({ entries, slug }: { entries: LedgerExplorerEntry[]; slug?: string }) {
  return (
    <>
      <div className="hidden lg:block">
        <LedgerTable entries={entries} slug={slug} />
      </div>
      <LedgerList entries={entries} slug={slug} />
    </>
  );
}

function LedgerTable({ entries, slug }: { entries: LedgerExplorerEntry[]; slug?: string }) {
  return (
    <Table label="Ledger entries" className="min-w-[52rem]">
      <THead>
        <tr>
          <Th>Date</Th>
          <Th>Entry</Th>
          <Th align="right">Operations</Th>
          <Th align="right">Credits</Th>
          <Th>Paid from</Th>
          <Th>Reference</Th>
        </tr>
      </THead>
      <TBody>
        {entries.map((entry) => (
          <Tr key={entry.key} data-kind={entry.kind}>
            <Td className="whitespace-nowrap">
              <time dateTime={entry.at.toISOString()} title={formatDateTime(entry.at)} className="tabular-nums">
                {formatDate(entry.at)}
                <span className="block text-[12px] text-muted-foreground">{timeFormat.format(entry.at)} UTC</span>
              </time>
            </Td>
            <Td className="min-w-48 max-w-72">
              <Badge tone={kindLabels[entry.kind].tone}>{kindLabels[entry.kind].label}</Badge>
              <p className="mt-1 text-[13px] text-muted-foreground text-pretty">{describe(entry)}</p>
            </Td>
            <Td numeric className="whitespace-nowrap">
              {entry.operations === null ? <Dash /> : operations(entry)}
            </Td>
            <Td numeric className="whitespace-nowrap">
              <Credits entry={entry} />
            </Td>
            <Td className="whitespace-nowrap">
              <PaidFrom entry={entry} />
            </Td>
            <Td className="whitespace-nowrap">
              <Reference entry={entry} slug={slug} />
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

function LedgerList({ entries, slug }: { entries: LedgerExplorerEntry[]; slug?: string }) {
  return (
    <ol aria-label="Ledger entries" className="divide-y divide-border rounded-xl border border-border bg-surface shadow-card lg:hidden">
      {entries.map((entry) => (
        <li key={entry.key} data-kind={entry.kind} className="px-4 py-3">
          <div className="flex items-start justify-between gap-3">
            <div className="min-w-0">
              <Badge tone={kindLabels[entry.kind].tone}>{kindLabels[entry.kind].label}</Badge>
              <p className="mt-1 text-[13px] text-muted-foreground text-pretty">
                {describe(entry)}
                {entry.operations !== null ? ` · ${operations(entry)} operations` : null}
              </p>
            </div>
            <div className="shrink-0 text-right text-sm">
              <Credits entry={entry} />
            </div>
          </div>
          {entry.split ? (
            <p className="mt-1.5 text-[12px] tabular-nums text-muted-foreground">
              Paid from{" "}
              {SOURCES.filter((source) => entry.split![source] > 0n)
                .map((source) => `${sourceLabels[source]} ${formatCount(entry.split![source])}`)
                .join(" · ")}
            </p>
          ) : null}
          <div className="mt-1.5 flex flex-wrap items-center justify-between gap-x-3 gap-y-1 text-[12px] text-muted-foreground">
            <time dateTime={entry.at.toISOString()} className="tabular-nums">
              {formatDateTime(entry.at)}
            </time>
            <Reference entry={entry} slug={slug} />
          </div>
        </li>
      ))}
    </ol>
  );
}

/** What the entry was, in a few words: the operation type of usage, the package, the note of a grant. */
function describe(entry: LedgerExplorerEntry): string {
  switch (entry.kind) {
    case "usage":
      return entry.operationType?.name ?? "Operations";
    case "included":
      return "Your plan's credits for the period";
    case "top-up":
      return entry.note || "Prepaid credits bought";
    case "grant":
      return entry.note || "Granted by support";
    case "package":
      return entry.packageName ?? "A package of operations";
    case "expiry":
      return `Unused operations of ${entry.packageName ?? "a package"}`;
    case "forfeit":
      return "Included credits left unused at the end of the period";
    case "flex-invoiced":
      return "Flex used in the period, billed on its invoice";
    case "correction":
      return entry.note || "A correction of an earlier entry";
  }
}

/** Exact credits (never rounded on the ledger), signed by the way they moved, with their USD value. */
function Credits({ entry }: { entry: LedgerExplorerEntry }) {
  // Packages move operations, not credits.
  if (entry.credits === 0n && (entry.kind === "package" || entry.kind === "expiry")) return <Dash />;
  // Spent credits count down, granted ones up; the flex moved onto an invoice is the amount billed.
  const moved = entry.kind === "usage" ? -entry.credits : entry.credits;
  const magnitude = moved < 0n ? -moved : moved;
  const billed = entry.kind === "flex-invoiced";
  return (
    <span className="tabular-nums">
      <span className={billed || moved <= 0n ? "font-medium text-foreground" : "font-medium text-success"}>
        {billed ? formatCount(magnitude) : signed(moved, true)}
      </span>
      <span className="block text-[12px] text-muted-foreground">≈ {creditsUsd(magnitude)}</span>
    </span>
  );
}

function PaidFrom({ entry }: { entry: LedgerExplorerEntry }) {
  if (!entry.split) return entry.source ? <span className="text-muted-foreground">{sourceLabels[entry.source]}</span> : <Dash />;
  const parts = SOURCES.filter((source) => entry.split![source] > 0n);
  return (
    <ul className="w-max min-w-32 space-y-0.5 text-[13px]" aria-label="Paid from">
      {parts.map((source) => (
        <li key={source} className="flex justify-between gap-4 tabular-nums">
          <span className="text-muted-foreground">{sourceLabels[source]}</span>
          <span>{formatCount(entry.split![source])}</span>
        </li>
      ))}
    </ul>
  );
}

function Reference({ entry, slug }: { entry: LedgerExplorerEntry; slug?: string }) {
  if (entry.invoiceNumber && !slug) return <span className="font-mono text-[13px] font-medium">{entry.invoiceNumber}</span>;
  if (entry.invoiceNumber) {
    return (
      <Link
        href={`/w/${slug}/invoices/${entry.invoiceNumber}`}
        className="font-mono text-[13px] font-medium text-primary underline-offset-4 hover:underline focus-visible:underline"
      >
        {entry.invoiceNumber}
      </Link>
    );
  }
  return (
    <span className="font-mono text-[12px] text-muted-foreground" title={`Idempotency key ${entry.idempotencyKey}`}>
      {shortKey(entry.idempotencyKey)}
    </span>
  );
}

/** Usage counts its operations; a package's entries add (bought) or remove (expired unused) them. */
function operations(entry: LedgerExplorerEntry): string {
  return signed(entry.operations ?? 0n, entry.kind !== "usage");
}

function signed(value: bigint, withPlus: boolean): string {
  if (value > 0n && withPlus) return `+${formatCount(value)}`;
  return value < 0n ? `−${formatCount(-value)}` : formatCount(value);
}

function Dash() {
  return <span className="text-muted-foreground">—</span>;
}
