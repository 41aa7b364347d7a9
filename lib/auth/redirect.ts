// Where to send someone after signing in (a callbackUrl from the query or
// from next-auth): only ever a page of our own origin.
//
// A string check ("starts with one slash") is not enough: browsers drop tabs
// and newlines from URLs and read "\" as "/", so "/\t/evil.example" or
// "/\evil.example" arrive as "//evil.example", another site. The target is
// therefore resolved the way the browser will resolve it (the WHATWG URL
// parser, which Node and browsers share) against our origin, and kept only
// when it stays there. Pure, for the sign-in form (browser) and the next-auth
// redirect callback (server) alike.

export const HOME_PATH = "/";

/**
 * The path (with query and fragment) of `target` when it resolves to a page of
 * `origin`; otherwise HOME_PATH. The result never starts with "//" or "/\", so
 * it stays on `origin` however it is resolved again.
 */
export function safeRedirectPath(target: string | null | undefined, origin: string): string {
  if (!target) return HOME_PATH;
  let base: URL;
  let resolved: URL;
  try {
    base = new URL(origin);
    resolved = new URL(target, base);
  } catch {
    return HOME_PATH;
  }
  if (resolved.origin !== base.origin || (resolved.protocol !== "http:" && resolved.protocol !== "https:")) return HOME_PATH;
  // "/.//evil.example" resolves to the path "//evil.example" on our origin; as
  // a relative URL that path would name another host, so collapse it.
  const path = resolved.pathname.replace(/^\/{2,}/, "/");
  const result = `${path}${resolved.search}${resolved.hash}`;
  return new URL(result, base).origin === base.origin ? result : HOME_PATH;
}

/** The absolute URL next-auth redirects to: `target` when it is one of our pages, else our home page. */
export function safeRedirectUrl(target: string, baseUrl: string): string {
  return new URL(safeRedirectPath(target, baseUrl), baseUrl).href;
}
