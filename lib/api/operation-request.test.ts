import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseOperationBody } from "./operation-request";

const types = new Set(["predict", "upload", "search", "train"]);

describe("POST /api/v1/operations body (R9.1, R2)", () => {
  it.each([
    [{ type: "predict", inputs: 32 }, 32n], // R2.2 a batch of 32 images is 32 operations
    [{ type: "predict", video_seconds: 61.4, fps: 1 }, 62n], // R2.3 ceil(61.4 × 1)
    [{ type: "predict", video_seconds: 60 }, 60n], // R2.3 1 frame per second by default
    [{ type: "search", video_seconds: "10", fps: "0.1" }, 1n],
    [{ type: "train", runs: 1 }, 1n], // R2.1 train per run
  ])("%j → %s operations", (body, operations) => {
    expect(parseOperationBody(body, types)).toEqual({ ok: true, value: { type: body.type, operations } });
  });

  it.each([
    [null, "body"],
    [[1, 2], "body"],
    [{}, "type"],
    [{ type: "teleport", inputs: 1 }, "type"],
    [{ type: "predict" }, "inputs"],
    [{ type: "predict", inputs: 1, video_seconds: 2 }, "inputs"],
    [{ type: "predict", inputs: 0 }, "inputs"],
    [{ type: "predict", inputs: 1.5 }, "inputs"],
    [{ type: "predict", inputs: "32" }, "inputs"],
    [{ type: "predict", video_seconds: 10, fps: 31 }, "fps"],
    [{ type: "predict", video_seconds: 10, fps: 0.05 }, "fps"],
    [{ type: "predict", inputs: 3, fps: 1 }, "fps"],
    [{ type: "predict", video_seconds: -1 }, "video_seconds"],
    [{ type: "predict", runs: 1 }, "runs"],
    [{ type: "train", inputs: 1 }, "runs"],
    [{ type: "predict", inputs: 1, extra: true }, "extra"],
  ])("refuses %j naming the field %s (R9.4)", (body, field) => {
    const result = parseOperationBody(body, types);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe(field);
      expect(result.message.startsWith(`${field}:`)).toBe(true);
    }
  });

  it("never throws and never counts a refused body (fuzz)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const result = parseOperationBody(json, types);
        if (result.ok) expect(result.value.operations).toBeGreaterThan(0n);
        else expect(result.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
