import Link from "next/link";

export default function NotFound() {
  return (
    <main className="page narrow" id="main">
      <h1>Page not found</h1>
      <p>
        That page does not exist. Go to <Link href="/documents/">your documents</Link>.
      </p>
    </main>
  );
}
