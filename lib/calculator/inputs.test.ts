import { describe, expect, it } from "vitest";
import { EMPTY_INPUTS, PRESETS, inputsFromParams, paramsFromInputs, parseAmount, parseInputs, type RawInputs } from "./inputs";

const inputs = (overrides: Partial<RawInputs>): RawInputs => ({ ...EMPTY_INPUTS, ...overrides });

describe("typed amounts (R12)", () => {
  it.each([
    ["", 0n],
    ["25000", 25_000_000_000n],
    ["25,000", 25_000_000_000n],
    [" 25 000 ", 25_000_000_000n],
    ["25k", 25_000_000_000n],
    ["25K", 25_000_000_000n],
    ["1.5M", 1_500_000_000_000n],
    ["2b", 2_000_000_000_000_000n],
    ["0.5", 500_000n],
    [".5k", 500_000_000n],
  ])("%j is %s millionths", (text, value) => {
    expect(parseAmount(text)).toEqual({ value });
  });

  it.each([
    ["-5", "Must not be negative."],
    ["abc", "Enter a number, such as 25,000, 25k or 1.5M."],
    ["1e6", "Enter a number, such as 25,000, 25k or 1.5M."],
    ["12kk", "Enter a number, such as 25,000, 25k or 1.5M."],
    ["NaN", "Enter a number, such as 25,000, 25k or 1.5M."],
    ["1.2345678", "Use at most six decimals."],
    ["9".repeat(30), "That number is too large."],
  ])("%j is refused: %s", (text, error) => {
    expect(parseAmount(text)).toEqual({ error });
  });
});

describe("the inputs as volumes", () => {
  it("adds video to predictions at the frame rate, rounded up once (R2.3)", () => {
    // 1.5 minutes at 25 fps: 90 s × 25 = 2,250 frames; 0.01 minutes at 1 fps: 0.6 s → 1 operation.
    expect(parseInputs(inputs({ predictions: "1k", videoMinutes: "1.5", fps: "25" })).volumes?.get("predict")).toBe(3_250n);
    expect(parseInputs(inputs({ videoMinutes: "0.01" })).volumes?.get("predict")).toBe(1n);
    expect(parseInputs(inputs({ videoMinutes: "30k" })).videoOperations).toBe(1_800_000n);
  });

  it("an empty form is no usage, and an empty frame rate is 1 fps", () => {
    const parsed = parseInputs(inputs({ fps: "", videoMinutes: "2" }));
    expect(parsed.errors).toEqual({});
    expect(parsed.volumes).toEqual(
      new Map([
        ["upload", 0n],
        ["predict", 120n],
        ["search", 0n],
        ["train", 0n],
      ]),
    );
  });

  it("gives each bad field its message and no volumes: never NaN, never a partial estimate", () => {
    const parsed = parseInputs(
      inputs({ uploads: "-3", predictions: "lots", searches: "2.5", trainingRuns: "2M", videoMinutes: "20M", fps: "60" }),
    );
    expect(parsed.volumes).toBeNull();
    expect(parsed.errors).toEqual({
      uploads: "Must not be negative.",
      predictions: "Enter a number, such as 25,000, 25k or 1.5M.",
      searches: "Enter a whole number.",
      trainingRuns: "Enter at most 1,000,000 a month.",
      videoMinutes: "Enter at most 10,000,000 a month.",
      fps: "Frames per second must be between 0.1 and 30.",
    });
    expect(parseInputs(inputs({ predictions: "10.5B" })).errors).toEqual({ predictions: "Enter at most 10,000,000,000 a month." });
    expect(parseInputs(inputs({ fps: "0.05" })).errors.fps).toBe("Frames per second must be between 0.1 and 30.");
  });

  it("predictions and video together stay within the largest volume", () => {
    const parsed = parseInputs(inputs({ predictions: "10B", videoMinutes: "1" }));
    expect(parsed.volumes).toBeNull();
    expect(parsed.errors.videoMinutes).toMatch(/under 10 billion/);
  });
});

describe("the shareable link", () => {
  it("holds every input and restores them as typed", () => {
    for (const preset of PRESETS) {
      const query = paramsFromInputs(preset.inputs);
      const restored = inputsFromParams(Object.fromEntries(new URLSearchParams(query)));
      expect(restored).toEqual(preset.inputs);
    }
    const custom = inputs({ uploads: "1,200", videoMinutes: "2.5", fps: "0.5" });
    expect(paramsFromInputs(custom)).toBe("uploads=1%2C200&video=2.5&fps=0.5");
    expect(inputsFromParams({ uploads: "1,200", video: "2.5", fps: "0.5" })).toEqual(custom);
  });

  it("leaves empty fields and the default frame rate out, and ignores what it does not know", () => {
    expect(paramsFromInputs(EMPTY_INPUTS)).toBe("");
    expect(inputsFromParams({ nonsense: "1", predictions: ["5k", "6k"] })).toEqual(inputs({ predictions: "5k" }));
  });
});
