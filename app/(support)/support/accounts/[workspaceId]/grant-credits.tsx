"use client";

// Grant prepaid credits (R11): an amount and a reason, a preview of the
// prepaid balance it produces, then the grant onto exactly that balance.
import { useState } from "react";
import { PreviewRows, PreviewedAction } from "@/components/support/previewed-action";
import { TextField } from "@/components/ui/text-field";
import { creditsToCents, formatCents, formatCount } from "@/lib/money";
import { grantPrepaidAction, previewGrantAction } from "./actions";

const withUsd = (credits: string, creditsPerUsd: bigint) =>
  `${formatCount(BigInt(credits))} credits ≈ ${formatCents(creditsToCents(BigInt(credits), creditsPerUsd))}`;

export function GrantCredits({ workspaceId, creditsPerUsd }: { workspaceId: string; creditsPerUsd: string }) {
  const rate = BigInt(creditsPerUsd);
  const [credits, setCredits] = useState("");
  const input = { workspaceId, credits };
  return (
    <PreviewedAction
      id="grant"
      title="Grant prepaid credits"
      description="Prepaid credits never expire and are spent after included and package credits."
      inputs={JSON.stringify(input)}
      ready={credits.trim() !== ""}
      fields={(errors) => (
        <TextField
          label="Credits"
          name="credits"
          inputMode="numeric"
          autoComplete="off"
          className="tabular-nums"
          placeholder="10,000,000"
          value={credits}
          errors={errors.credits}
          onChange={(event) => setCredits(event.target.value)}
        />
      )}
      preview={() => previewGrantAction(input)}
      renderPreview={(p) => (
        <PreviewRows
          rows={[
            { term: "Grant", value: withUsd(p.credits, rate) },
            { term: "Prepaid now", value: withUsd(p.prepaidBefore, rate) },
            { term: "Prepaid after", value: withUsd(p.prepaidAfter, rate), strong: true, testId: "grant-preview-after" },
          ]}
        />
      )}
      apply={(confirmed) => grantPrepaidAction({ ...input, ...confirmed })}
      previewLabel="Preview the grant"
      applyLabel={(p) => `Grant ${formatCount(BigInt(p.credits))} credits`}
      doneMessage={(p) => `Granted. Prepaid is now ${withUsd(p.prepaidAfter, rate)}.`}
      onDone={() => setCredits("")}
    />
  );
}
