"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

import { useAuth } from "@/components/AuthProvider";
import { Spinner } from "@/components/Spinner";

export default function Home() {
  const { status } = useAuth();
  const router = useRouter();
  useEffect(() => {
    if (status === "signedIn") router.replace("/documents/");
    if (status === "signedOut") router.replace("/signin/");
  }, [status, router]);
  return (
    <main className="page narrow" id="main">
      <Spinner label="Opening Doc Agent…" />
    </main>
  );
}
