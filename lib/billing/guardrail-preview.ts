// R14.3: what a workspace's guardrails would have done in its last complete
// period, replayed hour by hour over that period's real usage: on which day
// each alert would have been sent, when the spend cap would have started
// refusing calls, how many calls it would have refused and which auto
// top-ups it would have stopped. Pure: the database layer reads the history
// (lib/db/queries/guardrail-preview.ts), the settings page runs this on every
// keystroke. Nothing else is replayed: a call the cap refuses is taken out of
// the flex it would have used, but not out of anything that came after it.
import { INCLUDED_ALERT_PERCENTS, includedPercentUsed, type GuardrailSettings, type IncludedAlertPercent } from "./guardrails";

/** One hour of the period, from the usage rollups and the ledger. */
export interface HistoryHour {
  hour: Date;
  /** Included credits used in the hour. */
  includedCredits: bigint;
  /** Flex credits used in the hour. */
  flexCredits: bigint;
  /** Calls in the hour that were paid, wholly or partly, with flex. */
  flexCalls: bigint;
  /** How prepaid moved in the hour: usage negative, top-ups and grants positive. */
  prepaidChange: bigint;
}

export interface PeriodHistory {
  start: Date;
  end: Date;
  /** Included credits granted for the period. */
  includedAllotment: bigint;
  /** Prepaid credits when the period started. */
  prepaidAtStart: bigint;
  /** Hours with any usage or prepaid movement, in order. */
  hours: HistoryHour[];
  /** Auto top-ups charged in the period (failed ones are not listed), in order. */
  autoTopUps: { at: Date; cents: bigint }[];
  creditsPerUsd: bigint;
}

export interface GuardrailPreview {
  /** Each included level reached, with the hour it was reached in. */
  included: { percent: IncludedAlertPercent; at: Date }[];
  /** When prepaid first fell below the amount; null if it never did (or the alert is off). */
  prepaidBelowAt: Date | null;
  /** When flex first passed the amount; null if it never did (or the alert is off). */
  flexAboveAt: Date | null;
  /** null without a cap. */
  cap: {
    /** When the cap was reached and calls that needed flex began to be refused; null if never. */
    refusingFrom: Date | null;
    /** Calls that needed flex after the cap was reached. */
    refusedCalls: bigint;
    /** Auto top-ups that would have passed the cap, so would not have been charged (auto top-up stops there). */
    stoppedTopUps: number;
    stoppedTopUpCents: bigint;
  } | null;
  /** What the period spent on flex and auto top-ups, without any cap. */
  flexCents: bigint;
  autoTopUpCents: bigint;
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

export function previewGuardrails(history: PeriodHistory, settings: GuardrailSettings): GuardrailPreview {
  const hourEnd = (hour: HistoryHour) => new Date(hour.hour.getTime() + 3_600_000);
  const preview: GuardrailPreview = {
    included: [],
    prepaidBelowAt: null,
    flexAboveAt: null,
    cap: null,
    flexCents: 0n,
    autoTopUpCents: history.autoTopUps.reduce((sum, topUp) => sum + topUp.cents, 0n),
  };

  // The alerts see the period as it was.
  let includedUsed = 0n;
  let prepaid = history.prepaidAtStart;
  let flexUsed = 0n;
  // Balances are looked at as each hour ends (the alerts are checked every minute, not on every call): a
  // top-up in the period's first hour is seen before the balance it started with.
  const first = history.hours[0];
  const firstHourHasStart = first !== undefined && hourEnd(first) > history.start && first.hour <= history.start;
  if (settings.prepaidBelowCredits !== null && prepaid < settings.prepaidBelowCredits && !firstHourHasStart)
    preview.prepaidBelowAt = history.start;
  for (const hour of history.hours) {
    includedUsed += hour.includedCredits;
    prepaid += hour.prepaidChange;
    flexUsed += hour.flexCredits;
    if (settings.includedAlerts && history.includedAllotment > 0n) {
      const used = includedPercentUsed(history.includedAllotment, history.includedAllotment - includedUsed);
      for (const percent of INCLUDED_ALERT_PERCENTS)
        if (used >= percent && !preview.included.some((level) => level.percent === percent))
          preview.included.push({ percent, at: hour.hour });
    }
    if (settings.prepaidBelowCredits !== null && preview.prepaidBelowAt === null && prepaid < settings.prepaidBelowCredits)
      preview.prepaidBelowAt = hour.hour;
    if (settings.flexAboveCredits !== null && preview.flexAboveAt === null && flexUsed > settings.flexAboveCredits)
      preview.flexAboveAt = hour.hour;
  }
  preview.flexCents = (flexUsed * 100n) / history.creditsPerUsd;

  if (settings.spendCapCents !== null) preview.cap = replayCap(history, settings.spendCapCents, hourEnd);
  return preview;
}

/**
 * The cap, replayed in the order things happened: an auto top-up counts from
 * the moment it was charged, and is stopped when it would pass the cap; flex
 * counts as it was used, and once flex plus top-ups reach the cap the calls
 * that need more are refused. Amounts are compared in cents × credits per
 * dollar, so that no credit is rounded away.
 */
function replayCap(history: PeriodHistory, capCents: bigint, hourEnd: (hour: HistoryHour) => Date): NonNullable<GuardrailPreview["cap"]> {
  const perUsd = history.creditsPerUsd;
  const cap = capCents * perUsd;
  const outcome: NonNullable<GuardrailPreview["cap"]> = { refusingFrom: null, refusedCalls: 0n, stoppedTopUps: 0, stoppedTopUpCents: 0n };
  let spent = 0n;
  const reached = (at: Date) => {
    outcome.refusingFrom ??= at;
  };
  const charge = ({ at, cents }: { at: Date; cents: bigint }) => {
    if (spent + cents * perUsd > cap) {
      outcome.stoppedTopUps += 1;
      outcome.stoppedTopUpCents += cents;
      return;
    }
    spent += cents * perUsd;
    if (spent >= cap) reached(at);
  };
  let topUp = 0;
  for (const hour of history.hours) {
    // Top-ups charged before this hour ended come first (they were charged as prepaid ran out).
    while (topUp < history.autoTopUps.length && history.autoTopUps[topUp]!.at < hourEnd(hour)) charge(history.autoTopUps[topUp++]!);
    if (hour.flexCredits === 0n || hour.flexCalls === 0n) continue;
    const cost = hour.flexCredits * 100n;
    if (spent >= cap) {
      reached(hour.hour);
      outcome.refusedCalls += hour.flexCalls;
    } else if (spent + cost <= cap) {
      spent += cost;
      if (spent >= cap) reached(hour.hour);
    } else {
      // The cap is reached inside this hour: the calls past it, in proportion, are refused.
      outcome.refusedCalls += ceilDiv(hour.flexCalls * (cost - (cap - spent)), cost);
      spent = cap;
      reached(hour.hour);
    }
  }
  for (; topUp < history.autoTopUps.length; topUp += 1) charge(history.autoTopUps[topUp]!);
  return outcome;
}

/** The history as plain strings, to hand from the server to the settings form. */
export interface SerializedHistory {
  start: string;
  end: string;
  includedAllotment: string;
  prepaidAtStart: string;
  hours: { hour: string; includedCredits: string; flexCredits: string; flexCalls: string; prepaidChange: string }[];
  autoTopUps: { at: string; cents: string }[];
  creditsPerUsd: string;
}

export function serializeHistory(history: PeriodHistory): SerializedHistory {
  return {
    start: history.start.toISOString(),
    end: history.end.toISOString(),
    includedAllotment: String(history.includedAllotment),
    prepaidAtStart: String(history.prepaidAtStart),
    hours: history.hours.map((hour) => ({
      hour: hour.hour.toISOString(),
      includedCredits: String(hour.includedCredits),
      flexCredits: String(hour.flexCredits),
      flexCalls: String(hour.flexCalls),
      prepaidChange: String(hour.prepaidChange),
    })),
    autoTopUps: history.autoTopUps.map((topUp) => ({ at: topUp.at.toISOString(), cents: String(topUp.cents) })),
    creditsPerUsd: String(history.creditsPerUsd),
  };
}

export function parseHistory(history: SerializedHistory): PeriodHistory {
  return {
    start: new Date(history.start),
    end: new Date(history.end),
    includedAllotment: BigInt(history.includedAllotment),
    prepaidAtStart: BigInt(history.prepaidAtStart),
    hours: history.hours.map((hour) => ({
      hour: new Date(hour.hour),
      includedCredits: BigInt(hour.includedCredits),
      flexCredits: BigInt(hour.flexCredits),
      flexCalls: BigInt(hour.flexCalls),
      prepaidChange: BigInt(hour.prepaidChange),
    })),
    autoTopUps: history.autoTopUps.map((topUp) => ({ at: new Date(topUp.at), cents: BigInt(topUp.cents) })),
    creditsPerUsd: BigInt(history.creditsPerUsd),
  };
}
