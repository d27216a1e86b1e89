import { defineConfig } from "vitest/config";

// The Firefox tests (test/firefox/): Debian's Firefox ESR with Chromium in the same meetings. They run inside a
// network namespace of their own, where Firefox gathers ICE candidates on loopback and pal0 only: run them with
// `bash scripts/test-firefox.sh` (npm test does), never directly.
export default defineConfig({
  test: {
    name: "firefox",
    include: ["test/firefox/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/helpers/global-setup.ts"],
    // Every server message a page (Chromium or Firefox) receives is held to the contract (test/helpers/contract.ts).
    setupFiles: ["test/helpers/contract-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
