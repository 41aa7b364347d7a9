// What a previewed support action (R11) sends back, for the server and the
// form alike: a preview (plain strings and numbers, so it crosses to the
// browser) with the token of the state it was worked out from, then the
// outcome of applying it — applied, replayed (this preview's key was applied
// already: a double submit), or changed (the account moved since the preview;
// here is the new one, nothing was applied).

export interface Previewed<P> {
  preview: P;
  token: string;
}

export type PreviewedApplied<P> = { status: "applied" | "replayed" } | { status: "changed"; preview: P; token: string };
