// A local stand-in for the parts of Stripe's API that Meterdesk calls, so the
// real `stripe` SDK can be tested end to end without the network (STYLE:
// Stripe is never called live from tests). It speaks Stripe's wire format:
// form-encoded bodies with nested keys (`metadata[workspaceId]=…`,
// `allowed_payment_method_types[0]=card`), JSON objects shaped like Stripe's, Stripe's
// error bodies and status codes, `expand[]`, and `Idempotency-Key` (the same key
// and parameters answer the stored response again, other parameters are an
// idempotency_error). Every request is recorded for assertions.
//
// Payment methods behave like Stripe's test ones: `pm_card_visa` succeeds,
// `pm_card_chargeDeclined` is declined, `pm_card_chargeDeclinedInsufficientFunds`
// is declined for insufficient funds, `pm_card_authenticationRequired` needs
// the customer to authenticate. A card saved through a setup session keeps the
// behaviour of the test method it was made from.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export const STUB_SECRET_KEY = "sk_test_meterdesk_stub";
export const STUB_API_VERSION = "2026-10-28.endive";

type Behaviour = "succeed" | "decline" | "insufficient_funds" | "expired_card" | "authenticate";

interface TestCard {
  brand: string;
  last4: string;
  behaviour: Behaviour;
}

/** Stripe's test payment methods and what a charge of each does. */
export const STUB_TEST_CARDS: Record<string, TestCard> = {
  pm_card_visa: { brand: "visa", last4: "4242", behaviour: "succeed" },
  pm_card_mastercard: { brand: "mastercard", last4: "4444", behaviour: "succeed" },
  pm_card_chargeDeclined: { brand: "visa", last4: "0002", behaviour: "decline" },
  pm_card_chargeDeclinedInsufficientFunds: { brand: "visa", last4: "9995", behaviour: "insufficient_funds" },
  pm_card_chargeDeclinedExpiredCard: { brand: "visa", last4: "0069", behaviour: "expired_card" },
  pm_card_authenticationRequired: { brand: "visa", last4: "3184", behaviour: "authenticate" },
};

export interface StubRequest {
  method: string;
  /** The path without the query string, such as `/v1/payment_intents`. */
  path: string;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  /** The decoded form body (POST) or query string (GET). */
  params: Record<string, unknown>;
  status: number;
  /** Answered from the idempotency store instead of being carried out again. */
  replayed: boolean;
}

type StripeObject = Record<string, unknown> & { id: string; object: string };

interface Answer {
  status: number;
  body: unknown;
}

export interface StripeStub {
  /** The base URL to give the SDK (STRIPE_API_BASE), such as `http://127.0.0.1:41234`. */
  url: string;
  /** Every request received, in order. */
  requests: StubRequest[];
  /** The stored object with this id (a copy), or undefined. */
  get(id: string): StripeObject | undefined;
  /** Every stored object of a kind (`customer`, `payment_intent`, `checkout.session`, …). */
  list(object: string): StripeObject[];
  /** What the customer does on the Checkout page: saves the card made from a test payment method. Returns the new card's id. */
  completeSetupSession(sessionId: string, testPaymentMethod?: keyof typeof STUB_TEST_CARDS | string): string;
  /** Moves a PaymentIntent to another state, as Stripe does after the fact (3-D Secure finished, a late decline). */
  setPaymentIntent(id: string, patch: Partial<{ status: string; last_payment_error: unknown; next_action: unknown }>): void;
  /** The next `count` requests are carried out but their connection is cut before the answer (a lost response). */
  dropResponses(count: number): void;
  close(): Promise<void>;
}

// ------------------------------------------------------------------ wire format

/** Decodes Stripe's form encoding into nested objects and arrays. */
export function parseStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  if (!text) return root;
  for (const pair of text.split("&")) {
    if (!pair) continue;
    const [rawKey = "", rawValue = ""] = splitOnce(pair, "=");
    const key = decodeURIComponent(rawKey.replace(/\+/g, " "));
    const value = decodeURIComponent(rawValue.replace(/\+/g, " "));
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    const segments = match ? [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)] : [key];
    let node: Record<string, unknown> = root;
    segments.forEach((segment, index) => {
      const name = segment === "" ? String(Object.keys(node).length) : segment;
      if (index === segments.length - 1) {
        node[name] = value;
      } else {
        const next = node[name];
        node = (typeof next === "object" && next !== null ? next : (node[name] = {})) as Record<string, unknown>;
      }
    });
  }
  return arraysOf(root) as Record<string, unknown>;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

/** `{0: a, 1: b}` → `[a, b]`, recursively (Stripe's `key[0]=…` arrays). */
function arraysOf(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, arraysOf(v)] as const);
  const indexed = entries.length > 0 && entries.every(([k], i) => k === String(i));
  return indexed ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}

function stripeError(status: number, error: Record<string, unknown>): Answer {
  return { status, body: { error: { doc_url: `https://stripe.com/docs/error-codes/${String(error.code ?? "")}`, ...error } } };
}

const missing = (param: string, id: string): Answer =>
  stripeError(404, { type: "invalid_request_error", code: "resource_missing", param, message: `No such ${param}: '${id}'` });

const objectParam = (value: unknown): Record<string, string> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, string>) : {};

// ------------------------------------------------------------------ the server

export async function startStripeStub(options: { secretKey?: string } = {}): Promise<StripeStub> {
  const secretKey = options.secretKey ?? STUB_SECRET_KEY;
  const objects = new Map<string, StripeObject>();
  const behaviours = new Map<string, Behaviour>();
  const idempotent = new Map<string, { fingerprint: string; answer: Answer }>();
  const requests: StubRequest[] = [];
  let dropping = 0;
  let url = "";

  const newId = (prefix: string) => `${prefix}_${crypto.randomBytes(12).toString("hex")}`;
  const created = () => Math.floor(Date.now() / 1000);
  const store = <T extends StripeObject>(object: T): T => {
    objects.set(object.id, object);
    return object;
  };
  const copy = <T>(value: T): T => structuredClone(value);

  /** Replaces ids by their objects along `a.b.c` (Stripe's expand). */
  function expand(object: StripeObject, paths: string[]): StripeObject {
    const result = copy(object);
    for (const path of paths) {
      let parents: Record<string, unknown>[] = [result];
      for (const field of path.split(".")) {
        const next: Record<string, unknown>[] = [];
        for (const parent of parents) {
          const value = parent[field];
          if (typeof value === "string" && objects.has(value)) parent[field] = copy(objects.get(value));
          if (typeof parent[field] === "object" && parent[field] !== null) next.push(parent[field] as Record<string, unknown>);
        }
        parents = next;
      }
    }
    return result;
  }

  function paymentMethod(id: string, card: TestCard, customer: string | null): StripeObject {
    return {
      id,
      object: "payment_method",
      type: "card",
      card: {
        brand: card.brand,
        last4: card.last4,
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 4,
        funding: "credit",
        country: "US",
      },
      customer,
      billing_details: { address: null, email: null, name: null, phone: null },
      metadata: {},
      created: created(),
      livemode: false,
    };
  }

  /** A test method used directly (Stripe accepts `pm_card_visa` in test mode) or a card saved from one. */
  function behaviourOf(paymentMethodId: string): Behaviour | undefined {
    return behaviours.get(paymentMethodId) ?? STUB_TEST_CARDS[paymentMethodId]?.behaviour;
  }

  function createPaymentIntent(params: Record<string, unknown>): Answer {
    const customer = typeof params.customer === "string" ? params.customer : null;
    const method = typeof params.payment_method === "string" ? params.payment_method : null;
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount < 50) {
      return stripeError(400, {
        type: "invalid_request_error",
        code: "amount_too_small",
        param: "amount",
        message: "Amount must be at least $0.50 usd",
      });
    }
    if (params.currency !== "usd")
      return stripeError(400, { type: "invalid_request_error", code: "parameter_invalid", param: "currency", message: "Invalid currency" });
    if (customer && !objects.has(customer)) return missing("customer", customer);
    const behaviour = method ? behaviourOf(method) : undefined;
    if (method && !behaviour) return missing("payment_method", method);
    const intent = store<StripeObject>({
      id: newId("pi"),
      object: "payment_intent",
      amount,
      amount_received: 0,
      currency: "usd",
      customer,
      payment_method: method,
      description: params.description ?? null,
      metadata: objectParam(params.metadata),
      status: "requires_payment_method",
      capture_method: "automatic_async",
      confirmation_method: "automatic",
      setup_future_usage: null,
      last_payment_error: null,
      next_action: null,
      latest_charge: null,
      created: created(),
      livemode: false,
    });
    if (params.confirm !== "true" || !method) return { status: 200, body: copy(intent) };
    const charge = newId("ch");
    const decline = (code: string, declineCode: string | undefined, message: string): Answer => {
      const error = { type: "card_error", code, ...(declineCode ? { decline_code: declineCode } : {}), message, charge };
      Object.assign(intent, {
        status: "requires_payment_method",
        latest_charge: charge,
        last_payment_error: { ...error, payment_method: copy(objects.get(method)) ?? { id: method } },
      });
      return stripeError(402, { ...error, payment_intent: copy(intent) });
    };
    switch (behaviour) {
      case "succeed":
        Object.assign(intent, { status: "succeeded", amount_received: amount, latest_charge: charge });
        return { status: 200, body: copy(intent) };
      case "decline":
        return decline("card_declined", "generic_decline", "Your card was declined.");
      case "insufficient_funds":
        return decline("card_declined", "insufficient_funds", "Your card has insufficient funds.");
      case "expired_card":
        return decline("expired_card", undefined, "Your card has expired.");
      default: {
        // Off-session and the bank wants 3-D Secure: a 402 whose PaymentIntent waits for the customer.
        Object.assign(intent, {
          status: "requires_action",
          next_action: { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect" } },
          last_payment_error: {
            type: "card_error",
            code: "authentication_required",
            decline_code: "authentication_required",
            message: "Your card was declined. This transaction requires authentication.",
          },
        });
        return stripeError(402, {
          type: "card_error",
          code: "authentication_required",
          decline_code: "authentication_required",
          message: "Your card was declined. This transaction requires authentication.",
          payment_intent: copy(intent),
        });
      }
    }
  }

  function route(method: string, path: string, params: Record<string, unknown>): Answer {
    const parts = path.split("/").filter(Boolean);
    const expandList = Array.isArray(params.expand) ? (params.expand as string[]) : [];
    const answerObject = (id: string, kind: string, param: string): Answer => {
      const object = objects.get(id);
      return object && object.object === kind ? { status: 200, body: expand(object, expandList) } : missing(param, id);
    };

    if (method === "POST" && path === "/v1/customers") {
      const customer = store<StripeObject>({
        id: newId("cus"),
        object: "customer",
        name: params.name ?? null,
        email: params.email ?? null,
        metadata: objectParam(params.metadata),
        invoice_settings: { default_payment_method: null, custom_fields: null, footer: null, rendering_options: null },
        created: created(),
        livemode: false,
      });
      return { status: 200, body: copy(customer) };
    }
    if (parts[0] === "v1" && parts[1] === "customers" && parts.length === 3) {
      const id = parts[2]!;
      if (method === "GET") return answerObject(id, "customer", "customer");
      const customer = objects.get(id);
      if (!customer || customer.object !== "customer") return missing("customer", id);
      const settings = objectParam(params.invoice_settings);
      if (settings.default_payment_method !== undefined) {
        const pm = settings.default_payment_method;
        if (pm && objects.get(pm)?.customer !== id) {
          return stripeError(400, {
            type: "invalid_request_error",
            code: "resource_missing",
            param: "invoice_settings[default_payment_method]",
            message: `No such PaymentMethod: '${pm}'`,
          });
        }
        customer.invoice_settings = { ...(customer.invoice_settings as object), default_payment_method: pm || null };
      }
      if (typeof params.name === "string") customer.name = params.name;
      if (typeof params.email === "string") customer.email = params.email;
      if (params.metadata !== undefined) customer.metadata = { ...(customer.metadata as object), ...objectParam(params.metadata) };
      return { status: 200, body: copy(customer) };
    }
    if (method === "POST" && path === "/v1/checkout/sessions") {
      const customer = typeof params.customer === "string" ? params.customer : null;
      if (customer && !objects.has(customer)) return missing("customer", customer);
      if (typeof params.success_url !== "string") {
        return stripeError(400, {
          type: "invalid_request_error",
          code: "parameter_missing",
          param: "success_url",
          message: "Missing required param: success_url.",
        });
      }
      if (params.payment_method_types !== undefined) {
        // Gone from Checkout's create parameters in this API version (allowed_payment_method_types replaces it).
        return stripeError(400, {
          type: "invalid_request_error",
          code: "parameter_unknown",
          param: "payment_method_types",
          message: "Received unknown parameter: payment_method_types",
        });
      }
      const id = newId("cs_test");
      const session = store<StripeObject>({
        id,
        object: "checkout.session",
        mode: params.mode ?? null,
        status: "open",
        customer,
        currency: params.currency ?? null,
        allowed_payment_method_types: params.allowed_payment_method_types ?? null,
        payment_method_types: params.allowed_payment_method_types ?? ["card"],
        success_url: params.success_url,
        cancel_url: params.cancel_url ?? null,
        metadata: objectParam(params.metadata),
        setup_intent: null,
        payment_intent: null,
        url: `${url}/c/pay/${id}`,
        created: created(),
        expires_at: created() + 24 * 3600,
        livemode: false,
      });
      return { status: 200, body: copy(session) };
    }
    if (method === "GET" && parts[0] === "v1" && parts[1] === "checkout" && parts[2] === "sessions" && parts.length === 4) {
      return answerObject(parts[3]!, "checkout.session", "checkout.session");
    }
    if (method === "POST" && path === "/v1/billing_portal/sessions") {
      const customer = typeof params.customer === "string" ? params.customer : "";
      if (!objects.has(customer)) return missing("customer", customer);
      const id = newId("bps");
      const session = store<StripeObject>({
        id,
        object: "billing_portal.session",
        customer,
        return_url: params.return_url ?? null,
        url: `${url}/p/session/${id}`,
        created: created(),
        livemode: false,
      });
      return { status: 200, body: copy(session) };
    }
    if (method === "POST" && path === "/v1/payment_intents") return createPaymentIntent(params);
    if (method === "GET" && parts[0] === "v1" && parts[1] === "payment_intents" && parts.length === 3) {
      return answerObject(parts[2]!, "payment_intent", "payment_intent");
    }
    if (method === "GET" && parts[0] === "v1" && parts[1] === "payment_methods" && parts.length === 3) {
      return answerObject(parts[2]!, "payment_method", "payment_method");
    }
    return stripeError(404, { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${path}).` });
  }

  function answer(request: http.IncomingMessage, text: string): { answer: Answer; record: StubRequest } {
    const target = new URL(request.url ?? "/", "http://stub");
    const method = request.method ?? "GET";
    const params = method === "GET" ? parseStripeForm(target.search.slice(1)) : parseStripeForm(text);
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === "string" ? value : null;
    };
    const idempotencyKey = header("idempotency-key");
    const record: StubRequest = {
      method,
      path: target.pathname,
      idempotencyKey,
      stripeVersion: header("stripe-version"),
      params,
      status: 0,
      replayed: false,
    };

    if (header("authorization") !== `Bearer ${secretKey}`) {
      return { answer: stripeError(401, { type: "invalid_request_error", message: "Invalid API Key provided." }), record };
    }
    if (method !== "POST" || !idempotencyKey) return { answer: route(method, target.pathname, params), record };
    const fingerprint = JSON.stringify([method, target.pathname, params]);
    const earlier = idempotent.get(idempotencyKey);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`;
        return { answer: stripeError(400, { type: "idempotency_error", message }), record };
      }
      record.replayed = true;
      return { answer: earlier.answer, record };
    }
    const fresh = route(method, target.pathname, params);
    // Stripe does not store answers to requests that failed validation before they ran; it stores the rest, declines included.
    if (fresh.status < 400 || fresh.status === 402) idempotent.set(idempotencyKey, { fingerprint, answer: fresh });
    return { answer: fresh, record };
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const { answer: result, record } = answer(request, Buffer.concat(chunks).toString("utf8"));
      record.status = result.status;
      requests.push(record);
      if (dropping > 0) {
        dropping -= 1;
        request.socket.destroy();
        return;
      }
      const body = JSON.stringify(result.body);
      response.writeHead(result.status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "request-id": newId("req"),
        "stripe-version": record.stripeVersion ?? STUB_API_VERSION,
        ...(record.idempotencyKey ? { "idempotency-key": record.idempotencyKey } : {}),
        ...(record.replayed ? { "idempotent-replayed": "true" } : {}),
        // A decline is final for this request: the SDK must not retry it.
        ...(result.status === 402 ? { "stripe-should-retry": "false" } : {}),
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    get: (id) => (objects.has(id) ? copy(objects.get(id)) : undefined),
    list: (kind) => [...objects.values()].filter((object) => object.object === kind).map(copy),
    completeSetupSession(sessionId, testPaymentMethod = "pm_card_visa") {
      const session = objects.get(sessionId);
      if (!session || session.object !== "checkout.session") throw new Error(`no checkout session ${sessionId}`);
      if (session.status !== "open") throw new Error(`checkout session ${sessionId} is ${String(session.status)}`);
      const card = STUB_TEST_CARDS[testPaymentMethod];
      if (!card) throw new Error(`unknown test payment method ${testPaymentMethod}`);
      const customer = typeof session.customer === "string" ? session.customer : null;
      const method = store(paymentMethod(newId("pm"), card, customer));
      behaviours.set(method.id, card.behaviour);
      const intent = store<StripeObject>({
        id: newId("seti"),
        object: "setup_intent",
        status: "succeeded",
        usage: "off_session",
        customer,
        payment_method: method.id,
        metadata: { ...(session.metadata as object) },
        created: created(),
        livemode: false,
      });
      Object.assign(session, { status: "complete", setup_intent: intent.id, url: null });
      return method.id;
    },
    setPaymentIntent(id, patch) {
      const intent = objects.get(id);
      if (!intent || intent.object !== "payment_intent") throw new Error(`no payment intent ${id}`);
      Object.assign(intent, patch);
    },
    dropResponses(count) {
      dropping += count;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A webhook event as Stripe sends it, around a copy of one object. */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  options: { id?: string; created?: number } = {},
): Record<string, unknown> & { id: string } {
  return {
    id: options.id ?? `evt_${crypto.randomBytes(12).toString("hex")}`,
    object: "event",
    api_version: STUB_API_VERSION,
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}
