// The header of public pages (no session needed).
import Link from "next/link";
import { buttonClassName } from "@/components/ui/button";
import { Logo } from "./logo";

export function PublicHeader() {
  return (
    <header className="border-b border-border bg-background/85 backdrop-blur">
      <div className="mx-auto flex h-14 max-w-6xl items-center justify-between px-4 sm:px-6">
        <Link href="/" className="rounded-lg p-1" aria-label="Meterdesk home">
          <Logo />
        </Link>
        <nav aria-label="Account" className="flex items-center gap-2">
          <Link href="/sign-in" className={buttonClassName({ variant: "ghost", size: "sm" })}>
            Sign in
          </Link>
          <Link href="/sign-up" className={buttonClassName({ variant: "primary", size: "sm" })}>
            Get started
          </Link>
        </nav>
      </div>
    </header>
  );
}
