// requireWorkspace inside a real React Server Components render (the
// react-server build of React, whose `cache` lasts one request): the layout
// and the page of a dashboard route ask with different permissions, and the
// membership must still be looked up once per request.
import { renderToReadableStream } from "react-server-dom-webpack/server";
import { beforeEach, describe, expect, it, vi } from "vitest";

const lookups = { membership: 0, workspaces: 0 };
let role: "OWNER" | "VIEWER" = "OWNER";

vi.mock("./session", () => ({
  readSession: async () => ({ id: "user-1", email: "owner@test.dev", name: "Owner", staffRole: null }),
}));
vi.mock("@/lib/db", () => ({ db: async () => ({}) }));
vi.mock("@/lib/db/queries/workspaces", () => ({
  findMembershipBySlug: async (_db: unknown, _userId: string, slug: string) => {
    lookups.membership += 1;
    return { role, workspace: { id: "ws-1", slug, name: "Acme" }, plan: null, subscription: null };
  },
  listUserWorkspaces: async () => {
    lookups.workspaces += 1;
    return [{ id: "ws-1", slug: "acme", name: "Acme", role }];
  },
}));

const { requireWorkspace } = await import("./access");

/** Renders a layout that asks like app/(dashboard)/w/[slug]/layout.tsx and a page that asks with `permission`. */
async function renderRoute(permission?: "read" | "manage-billing"): Promise<string> {
  async function Layout({ children }: { children: React.ReactNode }) {
    const ctx = await requireWorkspace("acme");
    return <main data-workspace={ctx.workspace.name}>{children}</main>;
  }
  async function Page() {
    const ctx = permission ? await requireWorkspace("acme", permission) : await requireWorkspace("acme");
    return <p>{ctx.role}</p>;
  }
  const errors: unknown[] = [];
  const stream = renderToReadableStream(
    <Layout>
      <Page />
    </Layout>,
    {},
    { onError: (error: unknown) => void errors.push(error) },
  );
  const text = await new Response(stream).text();
  if (errors.length > 0) throw errors[0];
  return text;
}

describe("requireWorkspace: one membership lookup per request", () => {
  beforeEach(() => {
    lookups.membership = 0;
    lookups.workspaces = 0;
    role = "OWNER";
  });

  it.each([["read"], ["manage-billing"], [undefined]] as const)(
    "looks the membership up once when the layout and a page asking for %s render together",
    async (permission) => {
      const html = await renderRoute(permission);
      expect(html).toContain("OWNER");
      expect(lookups).toEqual({ membership: 1, workspaces: 1 });
    },
  );

  it("still refuses a permission the role lacks, from the one lookup", async () => {
    role = "VIEWER";
    await expect(renderRoute("manage-billing")).rejects.toThrow();
    expect(lookups.membership).toBe(1);
  });

  it("looks up again for another request", async () => {
    await renderRoute("read");
    await renderRoute("read");
    expect(lookups).toEqual({ membership: 2, workspaces: 2 });
  });
});
