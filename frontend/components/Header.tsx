"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";

import { useAuth } from "./AuthProvider";

const LINKS = [
  { href: "/documents/", label: "Documents" },
  { href: "/chat/", label: "Chat" },
];

export function Header() {
  const { status, email, signOut } = useAuth();
  const pathname = usePathname();
  const router = useRouter();

  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Link href="/" className="brand">
        Doc Agent
      </Link>
      {status === "signedIn" && (
        <>
          <nav aria-label="Main" className="main-nav">
            {LINKS.map((link) => (
              <Link
                key={link.href}
                href={link.href}
                aria-current={pathname.startsWith(link.href) ? "page" : undefined}
              >
                {link.label}
              </Link>
            ))}
          </nav>
          <div className="account">
            <span className="account-email" data-testid="account-email">
              {email}
            </span>
            <button
              type="button"
              className="button button-quiet"
              data-testid="sign-out"
              onClick={async () => {
                await signOut();
                router.replace("/signin/");
              }}
            >
              Sign out
            </button>
          </div>
        </>
      )}
    </header>
  );
}
