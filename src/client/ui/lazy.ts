/**
 * A component whose code is fetched the first time it is drawn, for the dialogs people open now and then: the
 * first visit (on a phone's slow link above all) downloads the pre-join screen and the meeting, not every
 * dialog of the ⋯ menu. `preload()` fetches it ahead, once the meeting is on screen and the link is idle, so
 * that opening a dialog later waits for nothing.
 */
import { type ComponentType, h, type VNode } from "preact";
import { useEffect, useState } from "preact/hooks";

export interface Lazy<P> {
  (props: P): VNode | null;
  preload(): Promise<void>;
}

export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): Lazy<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  const preload = () => {
    pending ??= load().then(
      (component) => {
        loaded = component;
      },
      (err: unknown) => {
        // A failed download (the network dropped): the next try fetches again.
        pending = null;
        console.warn("palabre: a part of the app could not be loaded", err);
      },
    );
    return pending;
  };
  const Lazy = (props: P) => {
    const [, redraw] = useState(0);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      void preload().then(() => {
        if (live && loaded) redraw((n) => n + 1);
      });
      return () => {
        live = false;
      };
    }, []);
    return loaded ? (h(loaded, props) as VNode) : null;
  };
  return Object.assign(Lazy, { preload });
}

/** Runs `task` once the page has a quiet moment (or after `ms`, where the browser has no idle callback). */
export function whenIdle(task: () => void, ms = 2000): () => void {
  if (typeof requestIdleCallback === "function") {
    const id = requestIdleCallback(task, { timeout: ms });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(task, ms);
  return () => clearTimeout(id);
}
