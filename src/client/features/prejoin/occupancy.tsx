/**
 * "2 people are in this meeting" on the pre-join screen: whether anyone is there yet, never who (the lobby and
 * the password keep the rest for after admission). Asked again every few seconds while the screen is open.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { peekRoom } from "../../signal/peek.js";

const EVERY_MS = 10_000;

export function Occupancy({ room }: { room: string }) {
  const count = useSignal<number | null>(null);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      const n = await peekRoom(room);
      if (!live) return;
      count.value = n;
      timer = setTimeout(ask, EVERY_MS);
    };
    void ask();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [room]);
  const n = count.value;
  if (n === null) return null;
  return (
    <p class="hint occupancy" data-testid="occupancy" role="status">
      {n === 0 ? t("prejoin.nobodyYet") : t(n === 1 ? "prejoin.onePerson" : "prejoin.people", { count: n })}
    </p>
  );
}
