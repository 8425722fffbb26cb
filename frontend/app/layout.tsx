import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { AuthProvider } from "@/components/AuthProvider";
import { ConfigGate } from "@/components/ConfigGate";
import { Header } from "@/components/Header";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Doc Agent", template: "%s · Doc Agent" },
  description: "Ask questions about your own documents, with citations.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AuthProvider>
          <Header />
          <ConfigGate>{children}</ConfigGate>
        </AuthProvider>
      </body>
    </html>
  );
}
