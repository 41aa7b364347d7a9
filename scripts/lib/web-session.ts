// Signing in to a running server as a browser does, for the page benchmark:
// next-auth's CSRF token, then the credentials form (json=true), keeping the
// cookies each answer sets. The result is a Cookie header for later requests.
export async function signInCookie(origin: string, email: string, password: string): Promise<string> {
  const cookies = new Map<string, string>();
  const take = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const split = pair.indexOf("=");
      if (split > 0) cookies.set(pair.slice(0, split).trim(), pair.slice(split + 1));
    }
  };
  const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");

  const csrf = await fetch(`${origin}/api/auth/csrf`);
  take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${origin}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  take(callback);
  await callback.arrayBuffer();

  const session = await fetch(`${origin}/api/auth/session`, { headers: { cookie: header() } });
  const body = (await session.json()) as { user?: { email?: string } };
  if (body.user?.email !== email) throw new Error(`signing in as ${email} failed (callback answered ${callback.status})`);
  return header();
}
