// The built-in test gateway's card page (R13): what Stripe Checkout in setup
// mode is for a Stripe deployment. Only the embedded demo's gateway has it.
import { ArrowLeft, Lock } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { buttonClassName } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { paymentGateway } from "@/lib/payments";
import { CardForm } from "./card-form";

export const metadata: Metadata = { title: "Add a card" };

export default async function CardPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "manage-billing");
  if (paymentGateway().name !== "test") notFound();
  const session = (await searchParams).session;
  const credits = `/w/${ctx.workspace.slug}/credits`;
  const validSession = typeof session === "string" && /^tgss_[0-9a-f]{24}$/.test(session);

  return (
    <div className="mx-auto max-w-xl">
      <Link href={credits} className="mb-4 inline-flex items-center gap-1.5 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft aria-hidden className="size-4" />
        Credits
      </Link>
      <PageHeader
        title="Add a card"
        description={`Top-ups, automatic top-ups and invoices of ${ctx.workspace.name} are charged to this card. It replaces the card on file.`}
      />
      {validSession ? (
        <Card>
          <CardContent className="space-y-6">
            <Alert tone="info" title="Demo payments: use 4242 4242 4242 4242 (succeeds) or 4000 0000 0000 0002 (declined)">
              Any future expiry date, any three-digit CVC and any name. No real card is charged.
            </Alert>
            <CardForm slug={ctx.workspace.slug} session={session} cancelHref={`${credits}?card=cancelled`} />
          </CardContent>
          <div className="flex items-center gap-2 rounded-b-xl border-t border-border bg-surface-muted/50 px-5 py-3 text-[13px] text-muted-foreground sm:px-6">
            <Lock aria-hidden className="size-3.5 shrink-0" />
            We keep only the card&apos;s brand, last four digits and expiry. The number itself is never stored.
          </div>
        </Card>
      ) : (
        <Alert
          tone="warning"
          title="This card form has expired"
          action={
            <Link href={credits} className={buttonClassName({ variant: "secondary", size: "sm" })}>
              Back to Credits
            </Link>
          }
        >
          Start again with “Add card” on the Credits page.
        </Alert>
      )}
    </div>
  );
}
