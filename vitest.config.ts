import { defineConfig } from "vitest/config";

// Three projects, run one group after the other (2 cores: the browser tests must not share them):
//   unit        — pure functions, no I/O.
//   integration — a real server + Janus, raw WebSocket clients (and a couple of Chromium pages).
//   e2e         — headless Chromium participants through the real UI.
// Integration and e2e share a globalSetup: the veth pair Janus needs for loopback ICE, and a fresh client build;
// and a setup file that fails a test during which a server message broke the contract (test/helpers/contract.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "src/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/helpers/global-setup.ts"],
          setupFiles: ["test/helpers/contract-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/helpers/global-setup.ts"],
          setupFiles: ["test/helpers/contract-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
