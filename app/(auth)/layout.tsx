// Sign-in and sign-up: one centred card under the product name.
import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/shell/logo";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="relative flex min-h-dvh flex-col items-center justify-center overflow-hidden px-4 py-12">
      <div
        aria-hidden
        className="pointer-events-none absolute inset-x-0 top-0 -z-10 h-80 bg-gradient-to-b from-primary-soft/70 to-transparent"
      />
      <div className="w-full max-w-[400px]">
        <div className="mb-8 flex flex-col items-center gap-3 text-center">
          <Link href="/" className="rounded-lg p-1" aria-label="Meterdesk home">
            <Logo className="text-lg" />
          </Link>
          <p className="text-sm text-muted-foreground">Usage, credits and invoices for your API workspace.</p>
        </div>
        <main id="main" className="rounded-2xl border border-border bg-surface p-6 shadow-card sm:p-8">
          {children}
        </main>
        <p className="mt-6 text-center text-[13px] text-muted-foreground">
          <Link href="/pricing" className="hover:text-foreground hover:underline">
            Pricing
          </Link>
        </p>
      </div>
    </div>
  );
}
