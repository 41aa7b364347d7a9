// Settings (R10, R14): the workspace, its members and the billing guardrails.
import type { Metadata } from "next";
import { CreditsWithUsd } from "@/components/billing/credit-amount";
import { DateText, formatDate, formatDateTime } from "@/components/billing/dates";
import { MembersTable } from "@/components/billing/members-table";
import { ViewOnlyNote } from "@/components/billing/view-only-note";
import { Card, CardContent, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { DescriptionList } from "@/components/ui/description-list";
import { PageHeader, Section } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { listOpenInvitations } from "@/lib/db/invitations";
import { noticePreferences } from "@/lib/db/notices";
import { getBillingSettings, listMembers } from "@/lib/db/queries/dashboard";
import { lastPeriodHistory } from "@/lib/db/queries/guardrail-preview";
import { serializeHistory } from "@/lib/billing/guardrail-preview";
import { env } from "@/lib/env";
import { creditsToCents, formatCents } from "@/lib/money";
import { GuardrailsForm } from "./guardrails-form";
import { ManageMembers } from "./members-section";
import { NotificationSettings } from "./notification-section";
import { WorkspaceNameForm } from "./workspace-name-form";

export const metadata: Metadata = { title: "Settings" };

const notSet = <span className="text-muted-foreground">Not set</span>;

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const canManage = can(ctx.role, "manage-billing");
  const creditsPerUsd = env().CREDITS_PER_USD;
  const [members, settings, preferences, invitations, history] = await Promise.all([
    listMembers(prisma, ctx.workspace.id),
    getBillingSettings(prisma, ctx.workspace.id),
    noticePreferences(prisma, ctx.workspace.id, ctx.user.id),
    canManage ? listOpenInvitations(prisma, ctx.workspace.id, now()) : Promise.resolve([]),
    canManage ? lastPeriodHistory(prisma, ctx.workspace.id, now(), creditsPerUsd) : Promise.resolve(null),
  ]);
  // Alert levels are kept in credits; they were typed in dollars, so they go back exactly.
  const cents = (credits: bigint | null | undefined) => (credits == null ? null : Number(creditsToCents(credits, creditsPerUsd)));
  const isOwner = can(ctx.role, "owner");

  return (
    <>
      <PageHeader
        title="Settings"
        description="Your workspace's details, the people who can see and manage its billing, and the guardrails on spending."
        actions={canManage ? undefined : <ViewOnlyNote />}
      />

      <Card>
        <CardHeader>
          <CardTitle>Workspace</CardTitle>
        </CardHeader>
        <CardContent>
          <DescriptionList
            columns={2}
            items={[
              { term: "Name", value: <span className="font-medium">{ctx.workspace.name}</span> },
              { term: "URL", value: <code className="font-mono text-[13px]">/w/{ctx.workspace.slug}</code> },
              { term: "Workspace ID", value: <code className="font-mono text-[13px]">{ctx.workspace.id}</code> },
              { term: "Created", value: <DateText date={ctx.workspace.createdAt} /> },
            ]}
          />
        </CardContent>
        {isOwner ? (
          <CardFooter>
            <WorkspaceNameForm slug={ctx.workspace.slug} name={ctx.workspace.name} />
          </CardFooter>
        ) : null}
      </Card>

      <Section
        title="Members"
        description="Owners manage everything, members included; billing admins manage billing and can invite billing admins and viewers; viewers see everything and change nothing."
      >
        {canManage ? (
          <ManageMembers
            slug={ctx.workspace.slug}
            currentUserId={ctx.user.id}
            viewerRole={ctx.role}
            members={members.map((member) => ({
              userId: member.user.id,
              name: member.user.name,
              email: member.user.email,
              role: member.role,
              since: formatDate(member.createdAt),
            }))}
            invitations={invitations.map((invitation) => ({
              id: invitation.id,
              email: invitation.email,
              role: invitation.role,
              expires: formatDateTime(invitation.expiresAt),
            }))}
          />
        ) : (
          <MembersTable members={members} currentUserId={ctx.user.id} />
        )}
      </Section>

      <Section
        id="guardrails"
        title="Billing guardrails"
        description="Emails before your usage surprises you, and a monthly cap on what flex and auto top-ups may spend."
      >
        <Card>
          <CardContent>
            {canManage ? (
              <GuardrailsForm
                slug={ctx.workspace.slug}
                creditsPerUsd={String(creditsPerUsd)}
                history={history ? serializeHistory(history) : null}
                initial={{
                  includedAlerts: settings?.alertIncludedUsage ?? true,
                  prepaidBelowCents: cents(settings?.alertPrepaidBelow),
                  flexAboveCents: cents(settings?.alertFlexAbove),
                  spendCapCents: settings?.spendCapCents ?? null,
                }}
              />
            ) : (
              <>
                <DescriptionList
                  columns={2}
                  items={[
                    {
                      term: "Included credits alerts",
                      value: settings?.alertIncludedUsage ? (
                        "At 50%, 80% and 100% used"
                      ) : (
                        <span className="text-muted-foreground">Off</span>
                      ),
                    },
                    {
                      term: "Monthly spend cap",
                      value:
                        settings?.spendCapCents != null ? (
                          <span className="tabular-nums">{formatCents(settings.spendCapCents)}</span>
                        ) : (
                          notSet
                        ),
                    },
                    {
                      term: "Alert when prepaid falls below",
                      value: settings?.alertPrepaidBelow != null ? <CreditsWithUsd credits={settings.alertPrepaidBelow} /> : notSet,
                    },
                    {
                      term: "Alert when flex passes",
                      value: settings?.alertFlexAbove != null ? <CreditsWithUsd credits={settings.alertFlexAbove} /> : notSet,
                    },
                  ]}
                />
                <p className="mt-5 text-[13px] text-muted-foreground">
                  Owners and billing admins set these. Each alert is emailed once per period per level, and every one is listed under
                  Notifications.
                </p>
              </>
            )}
          </CardContent>
        </Card>
      </Section>

      <NotificationSettings slug={ctx.workspace.slug} preferences={preferences} receivesMoneyNotices={canManage} />
    </>
  );
}
