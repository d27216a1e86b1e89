/**
 * Waits for the server to be ready again after it ended calls because its media server restarted
 * (close code 4002): PROTOCOL.md says it is ready once `GET /healthz` answers 200.
 */
const POLL_MS = 500;
const GIVE_UP_MS = 30_000;

/** Resolves true once /healthz answers 200, false after the deadline or once `stillWanted()` turns false. */
export async function waitForServerReady(
  stillWanted: () => boolean,
  giveUpMs = GIVE_UP_MS,
): Promise<boolean> {
  const deadline = Date.now() + giveUpMs;
  while (Date.now() < deadline && stillWanted()) {
    try {
      const res = await fetch("/healthz", { cache: "no-store" });
      if (res.ok) return true;
    } catch {
      // The server may be down for a moment; keep polling until the deadline.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return false;
}
