// Root layout: document, fonts, theme before first paint.
import "@fontsource-variable/inter";
import "./globals.css";
import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { ThemeScript } from "@/components/shell/theme-script";
import { NONCE_HEADER } from "@/lib/http/security-headers";

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
    // ThemeScript sets data-theme before first paint and before React hydrates, hence suppressHydrationWarning.
    <html lang="en" data-theme="light" suppressHydrationWarning>
      <body className="min-h-dvh bg-background text-foreground">
        <ThemeScript nonce={nonce} />
        {children}
      </body>
    </html>
  );
}
