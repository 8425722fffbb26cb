"use client";

// The error boundary for every page: a crash shows this, not a blank screen.

export default function PageError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <main className="page narrow" id="main">
      <div className="alert alert-error" role="alert" data-testid="error-boundary">
        <h1>Something went wrong</h1>
        <p>{error.message || "An unexpected error occurred."}</p>
        <button type="button" className="button" onClick={reset}>
          Try again
        </button>
      </div>
    </main>
  );
}
