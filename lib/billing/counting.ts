// How many operations a metered request is (R2.2, R2.3). Pure and exact: video
// lengths and frame rates are decimals, so they are read as scaled BigInts and
// never multiplied as floats — 2.2 s at 25 fps is exactly 55 operations, while
// 2.2 * 25 in floating point is 55.00000000000001, whose ceiling would bill 56.

/** R2.2: the largest batch one call may send. */
export const MAX_BATCH_INPUTS = 10_000;
/** Train runs per call; the same bound as a batch. */
export const MAX_TRAIN_RUNS = 10_000;
/** The longest video one call may analyse: 24 hours. */
export const MAX_VIDEO_SECONDS = 86_400n;
/** Decimals accepted in video_seconds and fps (micro-second / micro-frame precision). */
export const MAX_DECIMALS = 6;
/** R2.3: the default rate is one frame per second. */
export const DEFAULT_FPS = "1";

const SCALE = 10n ** BigInt(MAX_DECIMALS);
/** R2.3: fps between 0.1 and 30, inclusive, in millionths. */
const MIN_FPS_SCALED = SCALE / 10n;
const MAX_FPS_SCALED = 30n * SCALE;

/**
 * A request body that cannot be counted. `field` is the API field at fault
 * (`inputs`, `video_seconds`, `fps`, `runs`) so that the 400 response can
 * name it (R9.4).
 */
export class CountingError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = "CountingError";
    this.field = field;
  }
}

export type CountRequest = { inputs: number } | { videoSeconds: string | number; fps?: string | number } | { runs: number };

/** R2.2 / R2.3: the operations a request stands for, or a CountingError. */
export function countOperations(request: CountRequest): bigint {
  const fields = request as Record<string, unknown>;
  const kinds = (["inputs", "videoSeconds", "runs"] as const).filter((key) => fields[key] !== undefined);
  if (kinds.length !== 1) {
    throw new CountingError("inputs", "give exactly one of inputs, video_seconds or runs");
  }
  if (fields.fps !== undefined && kinds[0] !== "videoSeconds") {
    throw new CountingError("fps", "fps applies only to video_seconds");
  }
  switch (kinds[0]) {
    case "inputs":
      return BigInt(wholeCount(fields.inputs, "inputs", MAX_BATCH_INPUTS));
    case "runs":
      return BigInt(wholeCount(fields.runs, "runs", MAX_TRAIN_RUNS));
    default:
      return videoOperations(fields.videoSeconds as string | number, (fields.fps as string | number | undefined) ?? DEFAULT_FPS);
  }
}

/**
 * R2.3: ceil(seconds × fps), exactly. Both values are scaled by 10^6, so the
 * product is scaled by 10^12 and one BigInt ceiling division finishes it.
 */
export function videoOperations(videoSeconds: string | number, fps: string | number = DEFAULT_FPS): bigint {
  const seconds = parseScaledDecimal(videoSeconds, "video_seconds");
  if (seconds === 0n) throw new CountingError("video_seconds", "video_seconds must be greater than 0");
  if (seconds > MAX_VIDEO_SECONDS * SCALE) {
    throw new CountingError("video_seconds", `video_seconds must be at most ${MAX_VIDEO_SECONDS} (24 hours)`);
  }
  const rate = parseScaledDecimal(fps, "fps");
  if (rate < MIN_FPS_SCALED || rate > MAX_FPS_SCALED) {
    throw new CountingError("fps", "fps must be between 0.1 and 30");
  }
  const product = seconds * rate;
  const unit = SCALE * SCALE;
  return (product + unit - 1n) / unit;
}

/**
 * A non-negative decimal with at most six decimals, as an integer count of
 * millionths ("61.4" → 61_400_000n). A JS number is read through its shortest
 * decimal string (String(61.4) === "61.4"), which is the value the client
 * wrote; exponent notation means the number is too large or too small to be
 * a sensible length or rate and is refused.
 */
export function parseScaledDecimal(value: string | number, field: string): bigint {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new CountingError(field, `${field} must be a finite number`);
    if (value < 0 || Object.is(value, -0)) throw new CountingError(field, `${field} must not be negative`);
    text = String(value);
    if (/e/i.test(text)) {
      throw new CountingError(field, `${field} must be written without exponent notation`);
    }
  } else if (typeof value === "string") {
    text = value;
  } else {
    throw new CountingError(field, `${field} must be a number`);
  }
  if (text.startsWith("-")) throw new CountingError(field, `${field} must not be negative`);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new CountingError(field, `${field} must be a decimal number such as 61.4`);
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? "";
  if (fraction.length > MAX_DECIMALS) {
    throw new CountingError(field, `${field} may have at most ${MAX_DECIMALS} decimals`);
  }
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(MAX_DECIMALS, "0"));
}

function wholeCount(value: unknown, field: string, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new CountingError(field, `${field} must be a whole number`);
  }
  if (value < 1 || value > max) {
    throw new CountingError(field, `${field} must be between 1 and ${max.toLocaleString("en-US")}`);
  }
  return value;
}
