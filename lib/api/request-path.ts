// The path of a request as Next.js routes it, so that the production server's
// fast path (server/index.ts) catches every spelling of an endpoint that
// Next.js would hand to the same route handler.
//
// Next.js resolves the request target with the WHATWG URL parser: "." and
// ".." segments go (also as %2e), "\" is a "/"; repeated slashes and a
// trailing slash are redirected (308) to the plain path, which a client
// follows with the same method and body. A fast path that compared the raw
// target would let "/api/v1/./operations" reach the route handler instead.

/** The routed pathname of a request target: dot segments resolved, slashes collapsed, no trailing slash. */
export function routedPathname(target: string | undefined): string {
  const raw = target ?? "/";
  let pathname: string;
  try {
    // An origin-form target ("/…", even "//…") is a path, never an authority.
    pathname = (raw.startsWith("/") || raw.startsWith("\\") ? new URL(`http://routing.invalid${raw}`) : new URL(raw)).pathname;
  } catch {
    return raw;
  }
  pathname = pathname.replace(/\/{2,}/g, "/");
  return pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
}

/** `target` is `path` however it is spelled; the common exact spelling is checked without parsing. */
export function targetsPath(target: string | undefined, path: string): boolean {
  if (target === path || target?.startsWith(`${path}?`)) return true;
  return routedPathname(target) === path;
}
