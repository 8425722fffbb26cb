"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";

import { useAuth } from "./AuthProvider";
import { Spinner } from "./Spinner";

/** Renders its children only when signed in; otherwise sends the user to sign in. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const router = useRouter();
  const pathname = usePathname();

  useEffect(() => {
    if (status === "signedOut" || status === "expired") {
      // Back to this very page (its query too, e.g. the open conversation) after sign-in.
      const next = encodeURIComponent(window.location.pathname + window.location.search);
      const expired = status === "expired" ? "expired=1&" : "";
      router.replace(`/signin/?${expired}next=${next}`);
    }
  }, [status, router, pathname]);

  if (status !== "signedIn") return <Spinner label="Loading your session…" />;
  return <>{children}</>;
}
