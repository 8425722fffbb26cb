"use client";

import type { ReactNode } from "react";

import { useAuth } from "./AuthProvider";

/** Shows a clear message instead of a broken page when /config.json is missing or wrong. */
export function ConfigGate({ children }: { children: ReactNode }) {
  const { status, configError } = useAuth();
  if (status === "misconfigured") {
    return (
      <main className="page narrow" id="main">
        <div className="alert alert-error" role="alert">
          <h1>The site is not configured</h1>
          <p>{configError}</p>
          <p>The deployment writes /config.json next to the site; reload once it is there.</p>
        </div>
      </main>
    );
  }
  return <>{children}</>;
}
