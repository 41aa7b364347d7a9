// The account at a glance: who owns it, where it is billed, and the switches
// the customer set (R5.5 flex, R7.2 auto top-up, R14 spend cap). The card on
// file is its brand and last 4 digits: support never sees card numbers.
import { CreditCard } from "lucide-react";
import { DateText } from "@/components/billing/dates";
import { formatCardBrand } from "@/components/billing/labels";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { DescriptionList } from "@/components/ui/description-list";
import type { Account } from "@/lib/db/queries/support";
import type { AccountSections } from "@/lib/db/queries/support-account";
import { formatCents } from "@/lib/money";

function None({ children = "None" }: { children?: string }) {
  return <span className="text-muted-foreground">{children}</span>;
}

function OnOff({ on }: { on: boolean }) {
  return on ? (
    <Badge tone="success" dot>
      On
    </Badge>
  ) : (
    <Badge dot>Off</Badge>
  );
}

export function AccountSummary({ account, card }: { account: Account; card: AccountSections["card"] }) {
  const owner = account.memberships.find((member) => member.role === "OWNER") ?? null;
  return (
    <Card>
      <CardContent>
        <DescriptionList
          columns={3}
          items={[
            {
              term: "Owner",
              value: owner ? (
                <span>
                  <span className="block font-medium">{owner.user.name || owner.user.email}</span>
                  {owner.user.name ? <span className="text-[13px] text-muted-foreground">{owner.user.email}</span> : null}
                </span>
              ) : (
                <None>No owner</None>
              ),
            },
            { term: "Slug", value: <code className="font-mono text-[13px]">{account.slug}</code> },
            { term: "Created", value: <DateText date={account.createdAt} /> },
            {
              term: "Stripe customer",
              value: account.stripeCustomerId ? <code className="font-mono text-[13px]">{account.stripeCustomerId}</code> : <None />,
            },
            {
              term: "Card on file",
              value: card ? (
                <span className="inline-flex items-center gap-1.5">
                  <CreditCard aria-hidden className="size-4 text-muted-foreground" />
                  {formatCardBrand(card.brand)} <span className="tabular-nums text-muted-foreground">ending {card.last4}</span>
                </span>
              ) : (
                <None>No card</None>
              ),
            },
            {
              term: "Spend cap",
              value:
                account.spendCapCents != null ? (
                  <span className="tabular-nums">{formatCents(account.spendCapCents)} a month</span>
                ) : (
                  <None />
                ),
            },
            { term: "Flex billing", value: <OnOff on={account.flexEnabled} /> },
            { term: "Auto top-up", value: <OnOff on={account.autoTopUpEnabled} /> },
            { term: "Members", value: <span className="tabular-nums">{account.memberships.length}</span> },
          ]}
        />
      </CardContent>
    </Card>
  );
}
