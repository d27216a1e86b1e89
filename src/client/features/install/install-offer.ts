/**
 * Installing is offered, never pushed: the browser's own install banner is held back (`beforeinstallprompt`,
 * prevented), and `available` tells the ⋯ menu and the home page to show an "Install the app" item, only while
 * the browser says the app can be installed. The browser's prompt appears only when someone picks that item.
 */
import { signal } from "@preact/signals";
import { scope } from "../../ui/scope.js";

/** Chromium's event (not in TypeScript's DOM types: no other engine has it). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice: Promise<{ outcome: "accepted" | "dismissed" }>;
}

export class InstallOffer {
  readonly available = signal(false);
  #event: BeforeInstallPromptEvent | null = null;

  constructor(target: EventTarget) {
    target.addEventListener("beforeinstallprompt", (ev) => {
      ev.preventDefault();
      this.#event = ev as BeforeInstallPromptEvent;
      this.available.value = true;
    });
    target.addEventListener("appinstalled", () => this.#forget());
  }

  /** Shows the browser's install prompt; an event's prompt can be shown once, so the offer goes with it. */
  async install(): Promise<void> {
    const event = this.#event;
    if (!event) return;
    this.#forget();
    try {
      await event.prompt();
      await event.userChoice;
    } catch (err) {
      console.warn("palabre: the install prompt failed", err);
    }
  }

  #forget(): void {
    this.#event = null;
    this.available.value = false;
  }
}

/** The page's install offer (meeting.tsx makes it), for the ⋯ menu and the home page. */
export const InstallScope = scope<InstallOffer>("install offer");
