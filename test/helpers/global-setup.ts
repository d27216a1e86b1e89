/**
 * vitest globalSetup for the integration and e2e projects: the veth pair Janus needs for loopback ICE, and an
 * up-to-date client build in dist/client. Teardown removes the veth pair only if this setup created it.
 */
import { ensureClientBuild } from "./client-build.js";
import { ensureVeth, removeVeth } from "./veth.js";

export default function setup(): () => void {
  const { created } = ensureVeth();
  ensureClientBuild((line) => console.log(`[global-setup] ${line}`));
  return () => {
    if (created) removeVeth();
  };
}
