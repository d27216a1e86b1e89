/**
 * The page's meeting: the Room and every feature module, made once, each given what it depends on, and
 * handed to the components through scopes (ui/scope.ts). This is the only place that knows them all; a
 * feature module knows the Room and what its constructor is given, never where the others live.
 */
import type { ComponentChildren } from "preact";
import { AdaptationController, AdaptationScope } from "./features/adaptation/adaptation-controller.js";
import { AwayController, AwayScope } from "./features/background/away-controller.js";
import { BreakoutController, BreakoutScope } from "./features/breakout/breakout-controller.js";
import { ChatController, ChatScope } from "./features/chat/chat-controller.js";
import { DataSaver, DataSaverScope } from "./features/data-saver/data-saver.js";
import { E2eeController, E2eeScope } from "./features/e2ee/e2ee-controller.js";
import { HandsController, HandsScope } from "./features/hands/hands-controller.js";
import { InstallOffer, InstallScope } from "./features/install/install-offer.js";
import { LayoutController, LayoutScope } from "./features/layout/layout-controller.js";
import { installLobbyEvents } from "./features/lobby/lobby-events.js";
import { installModerationEvents } from "./features/moderation/moderation-events.js";
import { RemovalPrompt, RemovalScope } from "./features/moderation/remove-dialog.js";
import { MoreMenuScope, MoreMenuState } from "./features/more-menu/more-menu-state.js";
import { PollsController, PollsScope } from "./features/polls/polls-controller.js";
import { QualityController, QualityScope } from "./features/quality/quality-controller.js";
import { ReactionsController, ReactionsScope } from "./features/reactions/reactions-controller.js";
import { RecordingController, RecordingScope } from "./features/recording/recording-controller.js";
import { ScreenShareController, ScreenShareScope } from "./features/screen-share/screen-share-controller.js";
import { DeviceSettingsScope, meetingDeviceSettings } from "./features/settings/device-settings.js";
import { SpeakerController, SpeakerScope } from "./features/speaker/speaker-controller.js";
import { WakeLockController } from "./features/wake-lock/wake-lock-controller.js";
import { Room } from "./state/room.js";
import { given, Scopes } from "./ui/scope.js";
import { Shortcuts, ShortcutsScope } from "./ui/shortcuts.js";

export class Meeting {
  readonly room = new Room();
  // Chat, hands, polls and reactions listen from the start: the first `joined` carries their history.
  readonly chat = new ChatController(this.room);
  readonly hands = new HandsController(this.room);
  readonly polls = new PollsController(this.room);
  readonly breakout = new BreakoutController(this.room);
  readonly reactions = new ReactionsController(this.room);
  readonly speaker = new SpeakerController(this.room);
  readonly screenShare = new ScreenShareController(this.room);
  // End-to-end encryption: transforms on the media and keys exchanged, when the meeting has it on.
  readonly e2ee = new E2eeController(this.room);
  readonly layout = new LayoutController(this.room, this.screenShare, this.speaker);
  // Local recording: the meeting as this page lays it out, into a file on this machine.
  readonly recording = new RecordingController(this.room, this.layout, this.screenShare);
  // The video quality chosen in the ⋯ menu applies to every connection (each `joined` brings a new one).
  readonly quality = new QualityController(this.room);
  // Poor connections: the video received and sent adapts to the link; the sound never starves.
  readonly adaptation = new AdaptationController(this.room, this.layout, this.speaker, this.quality);
  // Mobile networks: the lowest picture and fewer videos, remembered on this browser.
  readonly dataSaver = new DataSaver(this.room, this.quality, this.adaptation);
  readonly devices = meetingDeviceSettings(this.room);
  // Phones: the screen stays on in the meeting, and coming back from the background is explained.
  readonly wakeLock = new WakeLockController(this.room);
  readonly away = new AwayController(this.room);
  readonly moreMenu = new MoreMenuState();
  readonly removal = new RemovalPrompt();
  // Listens from the start: the browser says the app can be installed soon after the page loads.
  readonly install = new InstallOffer(window);
  /** Keys act in the meeting only, and not while a modal dialog has them. */
  readonly shortcuts = new Shortcuts(
    () => this.room.state.view.peek() === "conference",
    () => document.querySelector("dialog[open]") !== null,
  );

  constructor() {
    // The lobby (moderators' list, knocks) and what moderators do to us, likewise for the whole page.
    installLobbyEvents(this.room);
    installModerationEvents(this.room);
  }
}

/** Puts each of the meeting's modules in its scope for everything `children` draws. */
export function MeetingScopes({ meeting: m, children }: { meeting: Meeting; children: ComponentChildren }) {
  return (
    <Scopes
      values={[
        given(ChatScope, m.chat),
        given(HandsScope, m.hands),
        given(PollsScope, m.polls),
        given(BreakoutScope, m.breakout),
        given(ReactionsScope, m.reactions),
        given(SpeakerScope, m.speaker),
        given(ScreenShareScope, m.screenShare),
        given(LayoutScope, m.layout),
        given(RecordingScope, m.recording),
        given(QualityScope, m.quality),
        given(DataSaverScope, m.dataSaver),
        given(AdaptationScope, m.adaptation),
        given(DeviceSettingsScope, m.devices),
        given(MoreMenuScope, m.moreMenu),
        given(RemovalScope, m.removal),
        given(ShortcutsScope, m.shortcuts),
        given(E2eeScope, m.e2ee),
        given(AwayScope, m.away),
        given(InstallScope, m.install),
      ]}
    >
      {children}
    </Scopes>
  );
}
