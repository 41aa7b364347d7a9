// The calculator's inputs (R12): what a visitor types, read exactly. Numbers
// take thousands separators and k / M / B suffixes ("25,000", "25k",
// "1.5M"); video minutes become predict operations at the chosen frame rate
// exactly as the metering API counts video (R2.3: ceil(seconds × fps)).
// Pure and client-safe; every refusal is a sentence the page shows.
import { parseScaledDecimal } from "@/lib/billing/counting";

export type FieldKey = "uploads" | "predictions" | "videoMinutes" | "fps" | "searches" | "trainingRuns";

export interface Field {
  key: FieldKey;
  /** The query parameter that holds it in a shared link. */
  param: string;
  label: string;
  /** The operation type it adds to; null for the frame rate. */
  operationType: string | null;
  /** Whole counts, or decimals (video minutes, frame rate). */
  decimals: boolean;
  max: bigint;
}

export const MAX_OPERATIONS = 10_000_000_000n;
const MAX_VIDEO_MINUTES = 10_000_000n;
const MAX_TRAINING_RUNS = 1_000_000n;
export const DEFAULT_FPS = "1";

export const FIELDS: readonly Field[] = [
  { key: "uploads", param: "uploads", label: "Images uploaded", operationType: "upload", decimals: false, max: MAX_OPERATIONS },
  {
    key: "predictions",
    param: "predictions",
    label: "Predictions on images",
    operationType: "predict",
    decimals: false,
    max: MAX_OPERATIONS,
  },
  { key: "searches", param: "searches", label: "Searches", operationType: "search", decimals: false, max: MAX_OPERATIONS },
  { key: "trainingRuns", param: "training", label: "Training runs", operationType: "train", decimals: false, max: MAX_TRAINING_RUNS },
  {
    key: "videoMinutes",
    param: "video",
    label: "Video minutes analysed",
    operationType: "predict",
    decimals: true,
    max: MAX_VIDEO_MINUTES,
  },
  { key: "fps", param: "fps", label: "Frames per second", operationType: null, decimals: true, max: 30n },
];

export type RawInputs = Record<FieldKey, string>;

export const EMPTY_INPUTS: RawInputs = { uploads: "", predictions: "", videoMinutes: "", fps: DEFAULT_FPS, searches: "", trainingRuns: "" };

export interface Preset {
  id: string;
  name: string;
  description: string;
  inputs: RawInputs;
}

export const PRESETS: readonly Preset[] = [
  {
    id: "prototype",
    name: "Prototype",
    description: "A side project finding its feet",
    inputs: { uploads: "2,000", predictions: "5,000", videoMinutes: "", fps: DEFAULT_FPS, searches: "2,000", trainingRuns: "" },
  },
  {
    id: "production",
    name: "Production app",
    description: "An app with steady daily traffic",
    inputs: { uploads: "50k", predictions: "250k", videoMinutes: "1,000", fps: DEFAULT_FPS, searches: "150k", trainingRuns: "2" },
  },
  {
    id: "video",
    name: "Video pipeline",
    description: "Hours of footage analysed every day",
    inputs: { uploads: "5k", predictions: "20k", videoMinutes: "30k", fps: DEFAULT_FPS, searches: "10k", trainingRuns: "1" },
  },
];

const SCALE = 1_000_000n;
const SUFFIXES: Record<string, bigint> = { k: 1_000n, m: 1_000_000n, b: 1_000_000_000n };

/**
 * A typed amount in millionths: "12,500" → 12_500_000_000n, "1.5k" →
 * 1_500_000_000n. Empty means 0. Returns a message instead when the text is
 * not such an amount.
 */
export function parseAmount(text: string): { value: bigint } | { error: string } {
  const compact = text
    .trim()
    .replace(/[\s,_]/g, "")
    .replace(/\u00a0/g, "");
  if (compact === "") return { value: 0n };
  if (compact.startsWith("-")) return { error: "Must not be negative." };
  const match = /^(\d+(?:\.\d+)?|\.\d+)([kKmMbB])?$/.exec(compact);
  if (!match) return { error: "Enter a number, such as 25,000, 25k or 1.5M." };
  const number = match[1]!.startsWith(".") ? `0${match[1]}` : match[1]!;
  const [whole = "", fraction = ""] = number.split(".");
  if (whole.replace(/^0+/, "").length > 15) return { error: "That number is too large." };
  if (fraction.length > 6) return { error: "Use at most six decimals." };
  const scaled = parseScaledDecimal(number, "amount");
  const suffix = match[2] ? SUFFIXES[match[2].toLowerCase()]! : 1n;
  return { value: scaled * suffix };
}

export interface ParsedInputs {
  /** Monthly operations by operation type code; null while any field is invalid. */
  volumes: Map<string, bigint> | null;
  errors: Partial<Record<FieldKey, string>>;
  /** Predict operations that come from video at the frame rate. */
  videoOperations: bigint;
}

/** Every field read and checked; the volumes only when all of them are valid. */
export function parseInputs(raw: RawInputs): ParsedInputs {
  const errors: Partial<Record<FieldKey, string>> = {};
  const values = new Map<FieldKey, bigint>();
  for (const field of FIELDS) {
    const parsed = parseAmount(field.key === "fps" && raw.fps.trim() === "" ? DEFAULT_FPS : raw[field.key]);
    if ("error" in parsed) {
      errors[field.key] = parsed.error;
      continue;
    }
    const value = parsed.value;
    if (!field.decimals && value % SCALE !== 0n) {
      errors[field.key] = "Enter a whole number.";
      continue;
    }
    if (field.key === "fps" && (value < SCALE / 10n || value > 30n * SCALE)) {
      errors[field.key] = "Frames per second must be between 0.1 and 30.";
      continue;
    }
    if (value > field.max * SCALE) {
      errors[field.key] = `Enter at most ${field.max.toLocaleString("en-US")} a month.`;
      continue;
    }
    values.set(field.key, value);
  }
  // R2.3: minutes × 60 seconds × fps, rounded up once for the month.
  const minutes = values.get("videoMinutes") ?? 0n;
  const fps = values.get("fps") ?? SCALE;
  const videoOperations = (minutes * 60n * fps + SCALE * SCALE - 1n) / (SCALE * SCALE);
  if (Object.keys(errors).length > 0) return { volumes: null, errors, videoOperations: 0n };

  const volumes = new Map<string, bigint>();
  for (const field of FIELDS) {
    if (!field.operationType || field.key === "videoMinutes") continue;
    const operations = (values.get(field.key) ?? 0n) / SCALE;
    volumes.set(field.operationType, (volumes.get(field.operationType) ?? 0n) + operations);
  }
  volumes.set("predict", (volumes.get("predict") ?? 0n) + videoOperations);
  if ((volumes.get("predict") ?? 0n) > MAX_OPERATIONS) {
    return {
      volumes: null,
      errors: { videoMinutes: "Predictions and video together must stay under 10 billion a month." },
      videoOperations,
    };
  }
  return { volumes, errors, videoOperations };
}

/** The inputs a shared link holds; anything missing is the empty default. */
export function inputsFromParams(params: Record<string, string | string[] | undefined>): RawInputs {
  const raw: RawInputs = { ...EMPTY_INPUTS };
  for (const field of FIELDS) {
    const value = params[field.param];
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === "string") raw[field.key] = text.slice(0, 40);
  }
  return raw;
}

/** The query string that restores `raw` (empty fields and the default frame rate left out). */
export function paramsFromInputs(raw: RawInputs): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    const value = raw[field.key].trim();
    if (value === "" || (field.key === "fps" && value === DEFAULT_FPS)) continue;
    params.set(field.param, value);
  }
  return params.toString();
}
