// The JavaScript a first visit to a page downloads: every script of the build
// (/_next/static/….js) its HTML names — <script src>, preload and
// modulepreload links, and the chunks the inline React Server Components
// payload lists for the client components on the page (loaded at hydration) —
// each gzipped (what a compressing proxy sends) and summed. Not counted: the
// `<script nomodule>` polyfills, which browsers that run modules never fetch,
// and chunks loaded later on demand (lazy charts, dialogs), which the HTML
// does not name.
import { gzipSync } from "node:zlib";

const SCRIPT_PATH = /\/_next\/static\/[A-Za-z0-9_\-./~%@]+?\.js(?![A-Za-z0-9_])/g;
const NOMODULE_SCRIPT = /<script\b[^>]*\bnomodule\b[^>]*>/gi;

export interface FirstLoad {
  scripts: number;
  /** Gzipped bytes over all the page's scripts. */
  gzipBytes: number;
}

export class FirstLoadMeter {
  private readonly sizes = new Map<string, Promise<number>>();
  constructor(private readonly origin: string) {}

  private gzipSize(path: string): Promise<number> {
    let size = this.sizes.get(path);
    if (!size) {
      size = fetch(`${this.origin}${path}`).then(async (response) => {
        if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
        return gzipSync(Buffer.from(await response.arrayBuffer())).length;
      });
      this.sizes.set(path, size);
    }
    return size;
  }

  async measure(url: string, cookie: string): Promise<FirstLoad> {
    const response = await fetch(url, { headers: { cookie }, redirect: "manual" });
    if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
    // The payload escapes slashes in places ("\/"); unescape before matching.
    const html = (await response.text()).replaceAll("\\/", "/");
    const legacy = new Set((html.match(NOMODULE_SCRIPT) ?? []).flatMap((tag) => tag.match(SCRIPT_PATH) ?? []));
    const paths = [...new Set(html.match(SCRIPT_PATH) ?? [])].filter((path) => !legacy.has(path));
    const sizes = await Promise.all(paths.map((path) => this.gzipSize(path)));
    return { scripts: paths.length, gzipBytes: sizes.reduce((sum, size) => sum + size, 0) };
  }
}
