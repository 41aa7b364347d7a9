// The soak test's own record of what the app acknowledged, to hold the
// database to at the end: per workspace, the debits charged (a key counted
// once, by source), the top-ups that succeeded, the support grants applied
// and the packages bought. Debit keys stay retryable while they are among
// the last RETRYABLE_KEYS sent; every answer for a key is compared with its
// first charge (a replay must say exactly what the charge said, a key is
// charged afresh at most once, a charged key is never refused), and the
// charges of retried keys are kept to compare with their rows at the end.
import type { DebitOutcome, DebitRequest, SourceCredits } from "@/lib/db/ledger/debit";

const RETRYABLE_KEYS = 8_192;
const RETRIED_SAMPLE = 50_000;
const VIOLATIONS_KEPT = 50;

export interface Charge {
  operations: bigint;
  credits: bigint;
  sources: SourceCredits;
}

export interface WorkspaceTally {
  debits: number;
  operations: bigint;
  credits: bigint;
  sources: SourceCredits;
  /** Top-up request id → its payment and credits (a retried form is one top-up). */
  topUps: Map<string, { paymentId: string; credits: bigint }>;
  supportGrants: number;
  supportCredits: bigint;
  /** Request ids of the packages bought. */
  packages: Set<string>;
}

interface KeyState {
  request: DebitRequest;
  charge: Charge | null;
  /** Answers that charged it afresh (not a replay): more than one is a double charge. */
  fresh: number;
  sends: number;
  inFlight: number;
  retryable: boolean;
}

const sameCharge = (a: Charge, b: Charge) =>
  a.operations === b.operations &&
  a.credits === b.credits &&
  a.sources.included === b.sources.included &&
  a.sources.package === b.sources.package &&
  a.sources.prepaid === b.sources.prepaid &&
  a.sources.flex === b.sources.flex;

const describe = (charge: Charge) =>
  `${charge.operations} ops ${charge.credits} credits (included ${charge.sources.included}, package ${charge.sources.package}, ` +
  `prepaid ${charge.sources.prepaid}, flex ${charge.sources.flex})`;

export class SoakTally {
  readonly workspaces = new Map<string, WorkspaceTally>();
  /** The first violations in full; `violationCount` counts them all. */
  readonly violations: string[] = [];
  violationCount = 0;
  readonly outcomes = new Map<string, number>();
  /** Charges of keys that were sent more than once, checked against their UsageEvent rows at the end. */
  readonly retried = new Map<string, { workspaceId: string; idempotencyKey: string; charge: Charge }>();
  private keys = new Map<string, KeyState>();
  private ring: string[] = [];
  private ringNext = 0;
  private sequence = 0;

  violation(message: string) {
    this.violationCount += 1;
    if (this.violations.length < VIOLATIONS_KEPT) this.violations.push(message);
  }

  count(outcome: string, by = 1) {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + by);
  }

  workspace(workspaceId: string): WorkspaceTally {
    let tally = this.workspaces.get(workspaceId);
    if (!tally) {
      tally = {
        debits: 0,
        operations: 0n,
        credits: 0n,
        sources: { included: 0n, package: 0n, prepaid: 0n, flex: 0n },
        topUps: new Map(),
        supportGrants: 0,
        supportCredits: 0n,
        packages: new Set(),
      };
      this.workspaces.set(workspaceId, tally);
    }
    return tally;
  }

  /** A fresh number for keys and request ids. */
  next(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** A debit key still open to retries, picked by `random`, or null. */
  retryable(random: () => number): DebitRequest | null {
    if (this.ring.length === 0) return null;
    return this.keys.get(this.ring[Math.floor(random() * this.ring.length)]!)?.request ?? null;
  }

  /** Before a debit is sent: its key is registered (a new one enters the retryable window). */
  sending(request: DebitRequest) {
    const id = `${request.workspaceId}|${request.idempotencyKey}`;
    let state = this.keys.get(id);
    if (!state) {
      state = { request, charge: null, fresh: 0, sends: 0, inFlight: 0, retryable: true };
      this.keys.set(id, state);
      this.enterRing(id);
    }
    state.sends += 1;
    state.inFlight += 1;
    this.sample(id, state);
  }

  /** The answer to a debit sent with `sending`. */
  answered(request: DebitRequest, outcome: DebitOutcome | null) {
    const id = `${request.workspaceId}|${request.idempotencyKey}`;
    const state = this.keys.get(id)!;
    state.inFlight -= 1;
    if (outcome) this.check(id, state, outcome);
    if (!state.retryable && state.inFlight === 0) this.keys.delete(id);
  }

  private check(id: string, state: KeyState, outcome: DebitOutcome) {
    if (outcome.status === "refused") {
      this.count(`debit refused: ${outcome.reason}`);
      // A deleted workspace (R8.5) is unknown; anything else must replay the charge.
      if (state.charge && outcome.reason !== "unknown_workspace")
        this.violation(`debit key ${id} was charged (${describe(state.charge)}), then refused as ${outcome.reason}`);
      return;
    }
    this.count(outcome.replayed ? "debit replayed" : "debit charged");
    const charge: Charge = { operations: outcome.operations, credits: outcome.credits, sources: outcome.sources };
    const { included, package: pkg, prepaid, flex } = charge.sources;
    if (included + pkg + prepaid + flex !== charge.credits) this.violation(`debit key ${id}: sources do not add up: ${describe(charge)}`);
    if (charge.operations !== state.request.operations)
      this.violation(`debit key ${id}: charged ${charge.operations} operations for ${state.request.operations} asked`);
    if (!outcome.replayed) {
      state.fresh += 1;
      if (state.fresh > 1) this.violation(`debit key ${id} was charged afresh ${state.fresh} times`);
    }
    if (state.charge) {
      if (!sameCharge(state.charge, charge))
        this.violation(`debit key ${id}: answered ${describe(charge)} after ${describe(state.charge)}`);
      return;
    }
    state.charge = charge;
    this.sample(id, state);
    const tally = this.workspace(state.request.workspaceId);
    tally.debits += 1;
    tally.operations += charge.operations;
    tally.credits += charge.credits;
    tally.sources.included += included;
    tally.sources.package += pkg;
    tally.sources.prepaid += prepaid;
    tally.sources.flex += flex;
  }

  private sample(id: string, state: KeyState) {
    if (state.sends < 2 || !state.charge || this.retried.has(id) || this.retried.size >= RETRIED_SAMPLE) return;
    this.retried.set(id, { workspaceId: state.request.workspaceId, idempotencyKey: state.request.idempotencyKey, charge: state.charge });
  }

  private enterRing(id: string) {
    if (this.ring.length < RETRYABLE_KEYS) {
      this.ring.push(id);
      return;
    }
    const evicted = this.ring[this.ringNext]!;
    this.ring[this.ringNext] = id;
    this.ringNext = (this.ringNext + 1) % RETRYABLE_KEYS;
    const state = this.keys.get(evicted);
    if (!state) return;
    state.retryable = false;
    if (state.inFlight === 0) this.keys.delete(evicted);
  }
}
