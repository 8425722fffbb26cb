"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";

import { useAuth } from "@/components/AuthProvider";
import { Field } from "@/components/Field";
import { FormError } from "@/components/FormError";
import { PASSWORD_MIN_LENGTH, PASSWORD_RULES } from "@/lib/password";

type Step = "details" | "confirm";

export default function SignUpPage() {
  const { status, signUp, confirmSignUp, signIn } = useAuth();
  const router = useRouter();
  const [step, setStep] = useState<Step>("details");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (status === "signedIn") router.replace("/documents/");
  }, [status, router]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Something went wrong.");
    } finally {
      setBusy(false);
    }
  }

  function onDetails(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const { confirmed } = await signUp(email.trim(), password);
      // A pool that confirms users itself (the local stack) skips the code step.
      if (confirmed) await signIn(email.trim(), password);
      else setStep("confirm");
    });
  }

  function onConfirm(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      await confirmSignUp(email.trim(), code.trim());
      await signIn(email.trim(), password);
    });
  }

  return (
    <main className="page narrow" id="main">
      <h1>Create an account</h1>
      {step === "details" ? (
        <form className="card form" onSubmit={onDetails} data-testid="signup-form">
          <Field
            id="email"
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <Field
            id="password"
            label="Password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            hint={PASSWORD_RULES}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <FormError message={error} />
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? "Creating…" : "Create account"}
          </button>
        </form>
      ) : (
        <form className="card form" onSubmit={onConfirm} data-testid="confirm-form">
          <p>
            We emailed a confirmation code to <strong>{email}</strong>. Enter it below.
          </p>
          <Field
            id="code"
            label="Confirmation code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
          <FormError message={error} />
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? "Confirming…" : "Confirm and sign in"}
          </button>
        </form>
      )}
      <p className="aside">
        Already have an account? <Link href="/signin/">Sign in</Link>
      </p>
    </main>
  );
}
