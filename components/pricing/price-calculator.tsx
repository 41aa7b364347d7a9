"use client";

// The public price calculator (R12): volumes in, every plan priced by the
// engine's own functions as the visitor types (lib/calculator). The inputs
// live in the address bar, so the page's URL is the estimate's share link.
// The first estimate comes rendered from the server (`children`); the code
// that recomputes it (live-estimate) loads once the page is idle, or at the
// first keystroke, so that it is not part of the first visit's JavaScript.
import { Check, Link2 } from "lucide-react";
import { useDeferredValue, useEffect, useMemo, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { CalculatorCatalogData } from "@/lib/calculator/estimate";
import { FIELDS, PRESETS, paramsFromInputs, parseInputs, type FieldKey, type RawInputs } from "@/lib/calculator/inputs";
import { formatCount } from "@/lib/money";

type LiveModule = typeof import("./live-estimate");

const NO_USAGE = new Map<string, bigint>();

const HINTS: Partial<Record<FieldKey, string>> = {
  videoMinutes: "Analysed as predictions, one per frame.",
  fps: "0.1 to 30; 1 by default.",
};

export function PriceCalculator({
  catalogData,
  initial,
  children,
}: {
  catalogData: CalculatorCatalogData;
  initial: RawInputs;
  /** The estimate for `initial`, rendered on the server. */
  children: ReactNode;
}) {
  const [inputs, setInputs] = useState<RawInputs>(initial);
  const [copied, setCopied] = useState(false);
  const [live, setLive] = useState<LiveModule | null>(null);
  const [failed, setFailed] = useState(false);
  const touched = inputs !== initial;
  const deferred = useDeferredValue(inputs);
  const parsed = useMemo(() => parseInputs(deferred), [deferred]);
  const current = useMemo(() => parseInputs(inputs), [inputs]);
  // The last valid estimate stays on screen while a field is being corrected.
  const [lastVolumes, setLastVolumes] = useState(parsed.volumes);
  if (parsed.volumes && parsed.volumes !== lastVolumes) setLastVolumes(parsed.volumes);
  const volumes = parsed.volumes ?? lastVolumes ?? NO_USAGE;

  useEffect(() => {
    if (live) return;
    let cancelled = false;
    const load = () => {
      import("./live-estimate").then(
        (module) => !cancelled && setLive(module),
        () => !cancelled && setFailed(true),
      );
    };
    if (touched) {
      load();
      return () => void (cancelled = true);
    }
    const idle = window.requestIdleCallback ? window.requestIdleCallback(load, { timeout: 4000 }) : window.setTimeout(load, 2000);
    return () => {
      cancelled = true;
      if (window.cancelIdleCallback) window.cancelIdleCallback(idle);
      else window.clearTimeout(idle);
    };
  }, [live, touched]);

  useEffect(() => {
    const query = paramsFromInputs(inputs);
    const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
    window.history.replaceState(window.history.state, "", url);
  }, [inputs]);

  const set = (key: FieldKey, value: string) => {
    setCopied(false);
    setInputs((before) => ({ ...before, [key]: value }));
  };
  const activePreset = PRESETS.find((preset) => FIELDS.every((field) => preset.inputs[field.key] === inputs[field.key]))?.id;

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <div className="space-y-6">
      <Card className="p-5 sm:p-6">
        {/* No row here wraps by the width of its text: the web font swaps in after the first paint and must not move anything. */}
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <div role="group" aria-label="Presets" className="-mx-1 flex gap-2 overflow-x-auto px-1 py-0.5">
            {PRESETS.map((preset) => (
              <Button
                key={preset.id}
                size="sm"
                variant={activePreset === preset.id ? "primary" : "secondary"}
                aria-pressed={activePreset === preset.id}
                title={preset.description}
                onClick={() => {
                  setCopied(false);
                  setInputs(preset.inputs);
                }}
              >
                {preset.name}
              </Button>
            ))}
          </div>
          <Button size="sm" variant="ghost" className="self-start sm:self-auto" onClick={copyLink} data-testid="copy-link">
            {copied ? <Check aria-hidden className="size-4" /> : <Link2 aria-hidden className="size-4" />}
            {copied ? "Link copied" : "Copy link to this estimate"}
          </Button>
        </div>
        <p className="mt-4 text-sm text-muted-foreground">
          Expected volumes a month. Type 25,000, 25k or 1.5M; leave a field empty for none.
        </p>
        <div className="mt-4 grid gap-x-4 gap-y-4 sm:grid-cols-2 lg:grid-cols-3">
          {FIELDS.map((field) => {
            const id = `calc-${field.key}`;
            const error = current.errors[field.key];
            const hint = HINTS[field.key];
            return (
              <div key={field.key}>
                <Label htmlFor={id}>{field.label}</Label>
                <Input
                  id={id}
                  name={field.param}
                  inputMode="decimal"
                  autoComplete="off"
                  spellCheck={false}
                  className="mt-1.5 tabular-nums"
                  placeholder={field.key === "fps" ? "1" : "0"}
                  value={inputs[field.key]}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
                  onChange={(event) => set(field.key, event.target.value)}
                />
                {error ? (
                  <FieldError id={`${id}-error`} errors={[error]} />
                ) : hint ? (
                  <p id={`${id}-hint`} className="mt-1.5 text-[13px] text-muted-foreground">
                    {field.key === "videoMinutes" && current.videoOperations > 0n
                      ? `${formatCount(current.videoOperations)} predictions a month at this frame rate.`
                      : hint}
                  </p>
                ) : null}
              </div>
            );
          })}
        </div>
        <p className="mt-4 text-[13px] text-muted-foreground">
          Usage is assumed to be spread evenly over a calendar month, with no prepaid credits; pay as you go is priced with a card on file.
        </p>
      </Card>

      <div
        aria-live="polite"
        aria-busy={deferred !== inputs || (touched && !live)}
        className={deferred !== inputs || (touched && !live) ? "opacity-80 transition-opacity" : undefined}
      >
        {Object.keys(current.errors).length > 0 ? (
          <p className="mb-4 text-sm text-danger" role="status">
            Fix the highlighted field to update the estimate; the figures below are for the last valid volumes.
          </p>
        ) : null}
        {failed ? (
          <p className="mb-4 text-sm text-danger" role="status">
            The estimate could not update: check your connection and reload the page.
          </p>
        ) : null}
        {touched && live ? <live.LiveEstimate catalogData={catalogData} volumes={volumes} /> : children}
      </div>
    </div>
  );
}
