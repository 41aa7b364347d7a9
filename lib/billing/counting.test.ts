import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CountingError, countOperations, parseScaledDecimal, videoOperations, type CountRequest } from "./counting";

describe("operations per request (R2.2, R2.3)", () => {
  it.each<[string, CountRequest, bigint]>([
    ["R2.2 one input is one operation", { inputs: 1 }, 1n],
    ["R2.2 32 images in one call are 32 operations", { inputs: 32 }, 32n],
    ["R2.2 the largest batch", { inputs: 10_000 }, 10_000n],
    ["R2.1 train is charged per run", { runs: 1 }, 1n],
    ["R2.1 three train runs", { runs: 3 }, 3n],
    ["R2.3 a 60 s video at the default 1 fps is 60", { videoSeconds: 60 }, 60n],
    ["R2.3 61.4 s is 62 (ceil)", { videoSeconds: 61.4 }, 62n],
    ["R2.3 61.4 s written as a string", { videoSeconds: "61.4", fps: "1" }, 62n],
    ["R2.3 10 s at 0.1 fps is 1", { videoSeconds: 10, fps: 0.1 }, 1n],
    ["R2.3 10.000001 s at 0.1 fps is 2 (ceil of 1.0000001)", { videoSeconds: "10.000001", fps: "0.1" }, 2n],
    ["R2.3 0.05 s is 1 (never zero)", { videoSeconds: 0.05 }, 1n],
    ["R2.3 2.2 s at 25 fps is exactly 55 (a float product would say 55.00000000000001)", { videoSeconds: 2.2, fps: 25 }, 55n],
    ["R2.3 60 s at 30 fps is 1800", { videoSeconds: 60, fps: 30 }, 1800n],
    ["R2.3 one micro-second at 0.1 fps is 1", { videoSeconds: "0.000001", fps: "0.1" }, 1n],
    ["R2.3 24 hours at 30 fps is the largest video", { videoSeconds: 86_400, fps: 30 }, 2_592_000n],
    ["R2.3 trailing zeros are the same number", { videoSeconds: "61.400000" }, 62n],
  ])("%s", (_rule, request, expected) => {
    expect(countOperations(request)).toBe(expected);
  });
});

describe("invalid requests name the field (R2.4, R9.4)", () => {
  it.each<[string, CountRequest, string]>([
    ["R2.2 zero inputs", { inputs: 0 }, "inputs"],
    ["R2.2 more than 10,000 inputs", { inputs: 10_001 }, "inputs"],
    ["R2.2 a fractional batch", { inputs: 1.5 }, "inputs"],
    ["R2.2 negative inputs", { inputs: -3 }, "inputs"],
    ["R2.1 zero train runs", { runs: 0 }, "runs"],
    ["R2.3 zero seconds", { videoSeconds: 0 }, "video_seconds"],
    ["R2.3 negative seconds", { videoSeconds: -1 }, "video_seconds"],
    ["R2.3 negative seconds as a string", { videoSeconds: "-1" }, "video_seconds"],
    ["R2.3 NaN seconds", { videoSeconds: Number.NaN }, "video_seconds"],
    ["R2.3 infinite seconds", { videoSeconds: Number.POSITIVE_INFINITY }, "video_seconds"],
    ["R2.3 exponent notation from a tiny number", { videoSeconds: 1e-7 }, "video_seconds"],
    ["R2.3 exponent notation in a string", { videoSeconds: "6e1" }, "video_seconds"],
    ["R2.3 seven decimals", { videoSeconds: "1.0000001" }, "video_seconds"],
    ["R2.3 more than 24 hours", { videoSeconds: 86_400.000001 }, "video_seconds"],
    ["R2.3 not a number", { videoSeconds: "sixty" }, "video_seconds"],
    ["R2.3 a leading plus sign", { videoSeconds: "+60" }, "video_seconds"],
    ["R2.3 surrounding spaces", { videoSeconds: " 60" }, "video_seconds"],
    ["R2.3 fps below 0.1", { videoSeconds: 60, fps: 0.09 }, "fps"],
    ["R2.3 fps above 30", { videoSeconds: 60, fps: 30.000001 }, "fps"],
    ["R2.3 fps zero", { videoSeconds: 60, fps: 0 }, "fps"],
    ["R2.3 fps without a video", { inputs: 3, fps: 2 } as unknown as CountRequest, "fps"],
    ["R2.2 inputs and a video together", { inputs: 3, videoSeconds: 2 } as unknown as CountRequest, "inputs"],
    ["R2.2 nothing to count", {} as unknown as CountRequest, "inputs"],
  ])("%s", (_rule, request, field) => {
    let error: unknown;
    try {
      countOperations(request);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CountingError);
    expect((error as CountingError).field).toBe(field);
    expect((error as CountingError).message.length).toBeGreaterThan(0);
  });
});

describe("exact decimal arithmetic (R1.1: no floating point in counts)", () => {
  it("reads decimals as millionths", () => {
    expect(parseScaledDecimal("61.4", "video_seconds")).toBe(61_400_000n);
    expect(parseScaledDecimal(0.1, "fps")).toBe(100_000n);
    expect(parseScaledDecimal("007", "fps")).toBe(7_000_000n);
  });

  it("R2.3 equals ceil(seconds × fps) computed on integers, for every tenth of a second and fps step", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 864_000 }), fc.integer({ min: 1, max: 300 }), (tenthsOfSecond, tenthsOfFps) => {
        const seconds = tenthsOfSecond / 10;
        const fps = tenthsOfFps / 10;
        const exact = (BigInt(tenthsOfSecond) * BigInt(tenthsOfFps) + 99n) / 100n;
        expect(videoOperations(seconds, fps)).toBe(exact);
        expect(videoOperations(String(seconds), String(fps))).toBe(exact);
      }),
      { numRuns: 2_000 },
    );
  });
});
