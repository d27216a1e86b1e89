/**
 * The meeting's tiles, in the view in force: the tile view (a grid that fits the window, paged beyond a page's
 * worth, our own tile on every page) or the speaker view (one large tile on stage, the others in a strip).
 * Remote sound never depends on what is on screen: the <audio> of a participant whose tile is on another
 * page plays from a hidden element instead.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { useGestures } from "../../ui/gestures.js";
import { ChevronIcon } from "../../ui/icons.js";
import { AudioSink } from "../../ui/media-elements.js";
import { AdaptationScope } from "../adaptation/adaptation-controller.js";
import { QualityIndicator, VideoPausedNotice } from "../adaptation/adaptation-ui.js";
import { HandsScope } from "../hands/hands-controller.js";
import { queuePositions } from "../hands/queue.js";
import { LayoutScope } from "../layout/layout-controller.js";
import { pageSizeFor, paginate, type TileRef } from "../layout/layout-model.js";
import type { FinalChoice } from "../quality/quality.js";
import { QualityScope } from "../quality/quality-controller.js";
import { ScreenShareScope } from "../screen-share/screen-share-controller.js";
import { ScreenTile } from "../screen-share/screen-tile.js";
import { SpeakerScope } from "../speaker/speaker-controller.js";
import { gridShape } from "./grid.js";
import { Tile } from "./tile.js";
import "../layout/layout.css";

function useWindowSize(): { width: number; height: number } {
  const read = () => ({ width: innerWidth, height: innerHeight });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    addEventListener("resize", onResize);
    return () => removeEventListener("resize", onResize);
  }, []);
  return size;
}

/** data-layer: the layer asked for, or why none ("paused": to protect the sound). */
function layerAttr(choice: FinalChoice | undefined): "0" | "1" | "2" | "paused" | "off" | undefined {
  if (!choice) return undefined;
  if (!choice.send) return choice.why === "bandwidth" ? "paused" : "off";
  return choice.layer === undefined ? undefined : (String(choice.layer) as "0" | "1" | "2");
}

export function TileArea({ room }: { room: Room }) {
  const layout = LayoutScope.use();
  const adapt = AdaptationScope.use();
  const quality = QualityScope.use();
  const s = room.state;
  const me = s.local.value;
  const remotes = s.remotes.value;
  const speaking = SpeakerScope.use().speaking.value;
  const myScreen = ScreenShareScope.use().stream.value;
  const hands = queuePositions(HandsScope.use().queue.value);
  const viewport = useWindowSize();
  const mode = layout.mode.value;
  const tiles = layout.tiles.value;
  const pinned = layout.pinned.value;
  // Swiping the grid turns its pages, as on a phone's home screen: the finger pulls the next page in.
  const pages = useRef({ page: 0, pages: 1 });
  const swipe = useGestures({
    onSwipe: (direction) => {
      const { page, pages: count } = pages.current;
      const next = direction === "left" ? page + 1 : page - 1;
      if (next >= 0 && next < count) layout.page.value = next;
    },
  });

  const render = (tile: TileRef, stage: boolean) => {
    const pin = {
      pinned: pinned === tile.key,
      onToggle: () => layout.togglePin(tile.participantId, tile.source),
    };
    // Connection quality on every tile; for remote videos, what we receive of them (features/adaptation).
    const indicator = <QualityIndicator adapt={adapt} tileKey={tile.key} />;
    const choice = tile.local ? undefined : quality.choiceFor(tile.participantId, tile.source);
    const adapted = tile.local
      ? {
          indicator,
          notice:
            tile.source === "camera" && adapt.cameraPaused.value && me?.video ? (
              <VideoPausedNotice own />
            ) : null,
        }
      : {
          indicator,
          figureRef: adapt.watch.ref(tile.key),
          received: choice?.send !== false,
          notice: choice?.why === "bandwidth" ? <VideoPausedNotice /> : null,
        };
    if (tile.source === "screen") {
      const p = remotes.get(tile.participantId);
      return (
        <ScreenTile
          key={tile.key}
          id={tile.participantId}
          name={tile.local ? (me?.info?.name ?? "") : (p?.info.name ?? "")}
          local={tile.local}
          track={tile.local ? myScreen?.getVideoTracks()[0] : p?.screenTrack}
          audioTrack={p?.screenAudioTrack}
          stage={stage}
          pin={pin}
          {...adapted}
        />
      );
    }
    if (tile.local)
      return (
        <Tile
          key={tile.key}
          id={tile.participantId}
          name={me?.info?.name ?? me?.name ?? ""}
          local
          audioOn={me?.audio ?? false}
          videoOn={me?.video ?? false}
          videoTrack={me?.videoTrack}
          handPosition={hands.get(tile.participantId)}
          speaking={speaking.has(tile.participantId)}
          stage={stage}
          pin={pin}
          {...adapted}
        />
      );
    const p = remotes.get(tile.participantId);
    if (!p) return null;
    return (
      <Tile
        key={tile.key}
        id={p.info.id}
        name={p.info.name}
        local={false}
        audioOn={p.info.audio}
        videoOn={p.info.video}
        videoTrack={p.videoTrack}
        audioTrack={p.audioTrack}
        handPosition={hands.get(p.info.id)}
        speaking={speaking.has(p.info.id)}
        stage={stage}
        pin={pin}
        layer={layerAttr(choice)}
        {...adapted}
      />
    );
  };

  let shown: readonly TileRef[];
  let body: JSX.Element;
  if (mode === "tile") {
    const cameraOn = new Set([...remotes.values()].filter((p) => p.info.video).map((p) => p.info.id));
    const page = paginate(tiles, layout.page.value, pageSizeFor(viewport.width, viewport.height), cameraOn);
    shown = page.tiles;
    pages.current = { page: page.page, pages: page.pages };
    const shape = gridShape(shown.length);
    body = (
      <>
        <div class="grid" data-cols={shape.cols} data-rows={shape.rows} data-pages={page.pages} {...swipe}>
          {shown.map((tile) => render(tile, false))}
        </div>
        {page.pages > 1 && <Pager page={page.page} pages={page.pages} go={(n) => (layout.page.value = n)} />}
      </>
    );
  } else {
    const stage = layout.stage.value;
    shown = tiles;
    body = (
      <div class="speaker-view">
        <div class="stage">{stage && render(stage, true)}</div>
        <section class="strip" aria-label={t("layout.others")}>
          {tiles.filter((tile) => tile.key !== stage?.key).map((tile) => render(tile, false))}
        </section>
      </div>
    );
  }

  // Those whose tile is on another page are heard all the same.
  const onScreen = new Set(shown.map((tile) => tile.key));
  const unseen = [...remotes.values()].flatMap((p) => [
    ...(onScreen.has(`camera:${p.info.id}`) ? [] : [{ key: `a:${p.info.id}`, track: p.audioTrack }]),
    ...(onScreen.has(`screen:${p.info.id}`) ? [] : [{ key: `s:${p.info.id}`, track: p.screenAudioTrack }]),
  ]);
  return (
    <div class="tile-area" data-layout={mode}>
      {body}
      <div class="offstage-audio">
        {unseen.map((u) => u.track && <AudioSink key={u.key} track={u.track} />)}
      </div>
    </div>
  );
}

function Pager({ page, pages, go }: { page: number; pages: number; go: (page: number) => void }) {
  return (
    <nav class="pager" aria-label={t("layout.page", { page: page + 1, pages })}>
      <button
        type="button"
        class="pager-button"
        data-testid="page-prev"
        aria-label={t("layout.previous")}
        title={t("layout.previous")}
        disabled={page === 0}
        onClick={() => go(page - 1)}
      >
        <ChevronIcon direction="left" />
      </button>
      <span class="pager-label" aria-live="polite">
        {t("layout.page", { page: page + 1, pages })}
      </span>
      <button
        type="button"
        class="pager-button"
        data-testid="page-next"
        aria-label={t("layout.next")}
        title={t("layout.next")}
        disabled={page === pages - 1}
        onClick={() => go(page + 1)}
      >
        <ChevronIcon direction="right" />
      </button>
    </nav>
  );
}
