/**
 * Where a page's join → first frame goes, from its signaling: when `join` went out, when `joined` came back,
 * when the first subscribe.offer arrived and when the page answered it (Node's clock, through Playwright's WebSocket events,
 * so the app is untouched). What is left after the answer is ICE, DTLS and the first key frame.
 */
import type { Page } from "playwright-core";

const STEPS = {
  join: "sent",
  joined: "received",
  "subscribe.offer": "received",
  "subscribe.answer": "sent",
} as const;
type Step = keyof typeof STEPS;

export class JoinMilestones {
  readonly #at = new Map<Step, number>();

  /** Install before the page opens its socket. */
  constructor(page: Page) {
    page.on("websocket", (ws) => {
      const note =
        (direction: "sent" | "received") =>
        ({ payload }: { payload: string | Buffer }) => {
          const at = performance.now();
          let type: Step | undefined;
          try {
            type = (
              JSON.parse(typeof payload === "string" ? payload : payload.toString("utf8")) as { type?: Step }
            ).type;
          } catch {
            return;
          }
          if (type && STEPS[type] === direction && !this.#at.has(type)) this.#at.set(type, at);
        };
      ws.on("framereceived", note("received"));
      ws.on("framesent", note("sent"));
    });
  }

  /** "joined +X ms, first offer +Y ms, answered +Z ms" after `t0` (performance.now() at the click). */
  since(t0: number): string {
    const ms = (step: Step) => {
      const at = this.#at.get(step);
      return at === undefined ? "—" : `+${Math.round(at - t0)} ms`;
    };
    return `join sent ${ms("join")}, joined ${ms("joined")}, first offer ${ms("subscribe.offer")}, answered ${ms("subscribe.answer")}`;
  }
}
