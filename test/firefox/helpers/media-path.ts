/**
 * For the Firefox recovery test: what a page says of its media connection (the health notice, the quality
 * marks, each connection's state, over time), and cutting one page's media path at the UDP relay. The pages may
 * be Chromium's or Firefox's (StatsPage); page-side code is a string (see e2e/helpers/rtc.ts for why).
 */
import { type ImpairedCall, relayPort } from "../../e2e/helpers/degradation.js";
import type { StatsPage } from "../../e2e/helpers/rtc.js";

export interface Health {
  /** data-quality of every quality mark on the page. */
  marks: string[];
  /** The media-health notice's text (null: none shown). */
  notice: string | null;
  /** connectionState of each open peer connection. */
  states: string[];
}

export function health(page: StatsPage): Promise<Health> {
  return page.evaluate(`(() => ({
    marks: Array.from(document.querySelectorAll("[data-testid=quality-indicator]")).map((m) => m.getAttribute("data-quality")),
    notice: document.querySelector(".health") ? document.querySelector(".health").textContent : null,
    states: (window.__pcs || []).map((pc) => pc.connectionState).filter((s) => s !== "closed"),
  }))()`) as Promise<Health>;
}

/** From now on, records each state change of the page's open connections ("publish disconnected@8330", ms). */
export async function recordStates(page: StatsPage): Promise<void> {
  await page.evaluate(`(() => {
    const t0 = Date.now();
    window.__states = [];
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState === "closed") continue;
      const kind = pc.getTransceivers().some((t) => t.direction === "sendonly" || t.direction === "sendrecv") ? "publish" : "subscribe";
      pc.addEventListener("connectionstatechange", () => window.__states.push(kind + " " + pc.connectionState + "@" + (Date.now() - t0)));
    }
  })()`);
}

export const statesSeen = (page: StatsPage) => page.evaluate("window.__states || []") as Promise<string[]>;

/**
 * The page's media path at the relay: `set(1)` drops every packet of its two connections (subscribe and
 * publish), both ways, `set(0)` lets them through again. Each call returns, per port, the number of relay
 * flows it set (two for a browser with two host addresses). Ports are found now, while both are connected.
 */
export async function mediaPath(
  call: ImpairedCall,
  page: StatsPage,
): Promise<{ ports: number[]; set(loss: 0 | 1): number[] }> {
  const ports = [await relayPort(call, page, "subscribe"), await relayPort(call, page, "publish")];
  return {
    ports,
    set: (loss) =>
      ports.map((port) => {
        call.relay.impairPort(port, "toServer", { loss });
        return call.relay.impairPort(port, "toClient", { loss });
      }),
  };
}
