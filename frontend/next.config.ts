import type { NextConfig } from "next";

// A static export: one build, served from S3/CloudFront or the local stack, configured at
// run time by /config.json. `trailingSlash` emits `/documents/index.html`, so clean URLs
// work on any static host without rewrites.
const nextConfig: NextConfig = {
  output: "export",
  trailingSlash: true,
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
  productionBrowserSourceMaps: false,
};

export default nextConfig;
