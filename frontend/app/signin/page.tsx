"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useState, type FormEvent } from "react";

import { useAuth } from "@/components/AuthProvider";
import { Field } from "@/components/Field";
import { FormError } from "@/components/FormError";
import { Spinner } from "@/components/Spinner";
import { safeNextPath } from "@/lib/storage";

export default function SignInPage() {
  // useSearchParams needs a Suspense boundary in a static export.
  return (
    <Suspense fallback={<Spinner label="Loading…" />}>
      <SignIn />
    </Suspense>
  );
}

function SignIn() {
  const { status, signIn, resumeError } = useAuth();
  const router = useRouter();
  const query = useSearchParams();
  const next = safeNextPath(query.get("next"));
  const expired = query.get("expired") === "1";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (status === "signedIn") router.replace(next);
  }, [status, next, router]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Sign-in failed.");
    } finally {
      setBusy(false);
    }
  }

  if (status === "loading") {
    return (
      <main className="page narrow" id="main">
        <Spinner label="Loading…" />
      </main>
    );
  }

  return (
    <main className="page narrow" id="main">
      <h1>Sign in</h1>
      {resumeError && (
        <div className="alert alert-error" role="alert" data-testid="resume-error">
          {resumeError} Your session is kept: reload the page to resume it, or sign in.
        </div>
      )}
      {expired && (
        <div className="alert alert-info" role="status" data-testid="session-expired">
          Your session expired. Sign in again to continue; what you were typing is kept.
        </div>
      )}
      <form className="card form" onSubmit={onSubmit} data-testid="signin-form">
        <Field
          id="email"
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <Field
          id="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <FormError message={error} />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="aside">
        New here? <Link href="/signup/">Create an account</Link>
      </p>
    </main>
  );
}
