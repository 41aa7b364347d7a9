// Root layout: document, fonts, theme before first paint.
//
// Inter's Latin letters through next/font (self-hosted under a hashed name),
// not preloaded: a first visit paints in a metric-matched fallback and fetches
// Inter once the page has loaded (components/shell/fonts.ts); the other
// scripts (Cyrillic, Greek, Vietnamese, Latin Extended) from the same
// package's own faces, fetched only when a page shows them.
import "@fontsource-variable/inter";
import "./globals.css";
import type { Metadata, Viewport } from "next";
import localFont from "next/font/local";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { fontsInitScript } from "@/components/shell/fonts";
import { HeadScripts, type HeadScript } from "@/components/shell/head-scripts";
import { themeInitScript } from "@/components/shell/theme";
import { NONCE_HEADER } from "@/lib/http/security-headers";

const interLatin = localFont({
  src: "../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
  weight: "100 900",
  style: "normal",
  display: "swap",
  variable: "--font-inter-latin",
  preload: false,
  // globals.css declares the fallback face itself, under a name it can use before Inter is wanted.
  adjustFontFallback: false,
});

const HEAD_SCRIPTS: HeadScript[] = [
  { id: "meterdesk-theme", source: themeInitScript },
  { id: "meterdesk-fonts", source: fontsInitScript },
];

export const metadata: Metadata = {
  title: { default: "Meterdesk", template: "%s · Meterdesk" },
  description: "Plans, credits, usage, invoices and API keys for your workspace.",
  applicationName: "Meterdesk",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fafafb" },
    { media: "(prefers-color-scheme: dark)", color: "#111218" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The CSP nonce the production server gave this response. Reading the request
  // makes every page dynamic, which a per-response nonce needs.
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    // HeadScripts set data-theme and data-fonts before first paint and before React hydrates, hence suppressHydrationWarning.
    <html lang="en" data-theme="light" className={interLatin.variable} suppressHydrationWarning>
      <body className="min-h-dvh bg-background text-foreground">
        <HeadScripts nonce={nonce} scripts={HEAD_SCRIPTS} />
        {children}
      </body>
    </html>
  );
}
