/**
 * Driving the lobby, password, participants pane and moderation UI by the selectors contract, and reading what
 * a page's peer connections received (to prove a page got no media).
 */
import type { Page } from "playwright-core";
import { waitFor } from "../../helpers/wait.js";
import { fillName, openPrejoin, sel } from "./ui.js";

export const msel = {
  passwordDialog: "[data-testid=password-dialog]",
  passwordField: "input#room-password",
  passwordSubmit: "[data-testid=password-submit]",
  passwordError: "[data-testid=password-error]",
  lobbyScreen: "[data-testid=lobby-screen]",
  lobbyCancel: "[data-testid=lobby-cancel]",
  deniedScreen: "[data-testid=denied-screen]",
  removedScreen: "[data-testid=removed-screen]",
  endedScreen: "[data-testid=ended-screen]",
  knock: "[data-testid=knock-notification]",
  knockAdmit: "[data-testid=knock-admit]",
  knockDeny: "[data-testid=knock-deny]",
  toggleParticipants: "button[data-testid=toggle-participants]",
  pane: "[data-testid=participants-pane]",
  row: "[data-testid=participant-row]",
  roleBadge: "[data-testid=role-badge]",
  handPosition: "[data-testid=hand-position]",
  menu: "button[data-testid=participant-menu]",
  lobbyEntry: "[data-testid=lobby-entry]",
  lobbyAdmit: "[data-testid=lobby-admit]",
  lobbyDeny: "[data-testid=lobby-deny]",
  lobbyAdmitAll: "[data-testid=lobby-admit-all]",
  lobbyToggle: "input[type=checkbox][data-testid=lobby-toggle]",
  passwordInput: "input[data-testid=password-input]",
  passwordSet: "[data-testid=password-set]",
  passwordRemove: "[data-testid=password-remove]",
  roomLocked: "[data-testid=room-locked]",
  mutedNotice: "[data-testid=muted-notice]",
  unmuteRequest: "[data-testid=unmute-request]",
  unmuteAccept: "[data-testid=unmute-accept]",
  floorNotice: "[data-testid=floor-notice]",
  muteAll: "[data-testid=mute-all]",
} as const;

export type Action = "mute" | "stop-video" | "ask-unmute" | "remove" | "grant" | "private-chat";

export const rowOf = (participantId: string) => `${msel.row}[data-participant-id="${participantId}"]`;

/** Prejoin → name → Join, without waiting for the conference (the room may answer with a lobby or a password). */
export async function clickJoin(page: Page, origin: string, room: string, name: string): Promise<void> {
  await openPrejoin(page, origin, room);
  await fillName(page, name);
  await page.locator(sel.join).click();
}

/** Waits for the conference view and the local tile; returns the local participant id. */
export async function waitForConference(page: Page, timeoutMs = 20_000): Promise<string> {
  await page.locator(sel.conference).waitFor({ state: "visible", timeout: timeoutMs });
  await page.locator(sel.localTile).waitFor({ state: "attached", timeout: timeoutMs });
  const id = await page.locator(sel.localTile).getAttribute("data-participant-id");
  if (!id) throw new Error("local tile has no data-participant-id");
  return id;
}

/** Opens the participants pane (if it is not open) and waits for it. */
export async function openParticipants(page: Page): Promise<void> {
  if ((await page.locator(msel.pane).count()) === 0) await page.locator(msel.toggleParticipants).click();
  await page.locator(msel.pane).waitFor({ state: "visible", timeout: 10_000 });
}

/** Participants pane → row of `participantId` → ⋯ menu → the action. */
export async function participantAction(page: Page, participantId: string, action: Action): Promise<void> {
  await openParticipants(page);
  const row = page.locator(rowOf(participantId));
  await row.waitFor({ state: "visible", timeout: 10_000 });
  await row.locator(msel.menu).click();
  const item = page.locator(`[data-testid=action-${action}]`);
  await item.first().waitFor({ state: "visible", timeout: 5000 });
  await item.first().click();
}

/** Sets the lobby switch in the pane's security settings and waits until it shows the wanted state. */
export async function setLobby(page: Page, on: boolean): Promise<void> {
  await openParticipants(page);
  const toggle = page.locator(msel.lobbyToggle);
  await toggle.waitFor({ state: "visible", timeout: 10_000 });
  if ((await toggle.isChecked()) !== on) await toggle.click();
  await waitFor(async () => (await toggle.isChecked()) === on, {
    timeoutMs: 10_000,
    what: `the lobby switch ${on ? "on" : "off"}`,
  });
}

/** Types a password in the security settings and sets it. */
export async function setPassword(page: Page, password: string): Promise<void> {
  await openParticipants(page);
  const input = page.locator(msel.passwordInput);
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(password);
  await page.locator(msel.passwordSet).click();
}

/** Every peer connection's state and its inbound RTP totals, read with getStats in the page. */
export interface PcSummary {
  count: number;
  /** Connections that have a remote description (negotiated with the media server). */
  negotiated: number;
  /** Connections with a receiving transceiver (a subscribe connection). */
  receiving: number;
  inboundPackets: number;
}

export async function pcSummary(page: Page): Promise<PcSummary> {
  return page.evaluate(`(async () => {
    const pcs = Array.isArray(window.__pcs) ? window.__pcs : [];
    let negotiated = 0, receiving = 0, inboundPackets = 0;
    for (const pc of pcs) {
      if (pc.remoteDescription) negotiated++;
      let recv = false;
      try {
        recv = pc.getTransceivers().some((t) => t.currentDirection === "recvonly" || t.direction === "recvonly");
      } catch (e) {}
      if (recv) receiving++;
      if (pc.signalingState === "closed") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => { if (s.type === "inbound-rtp") inboundPackets += s.packetsReceived || 0; });
    }
    return { count: pcs.length, negotiated, receiving, inboundPackets };
  })()`) as Promise<PcSummary>;
}

export interface TrackInbound {
  packetsReceived: number;
  bytesReceived: number;
  framesDecoded: number;
}

/**
 * inbound-rtp stats of the given receiving track ids, across every peer connection of the page, read without
 * going through the DOM (so a tile that hides its <audio> element cannot make a silent stream look stopped).
 */
export async function inboundByTrack(
  page: Page,
  trackIds: string[],
): Promise<Record<string, TrackInbound | null>> {
  return page.evaluate(`(async (ids) => {
    const out = {};
    for (const id of ids) out[id] = null;
    for (const pc of (window.__pcs || [])) {
      if (pc.signalingState === "closed") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => {
        if (s.type !== "inbound-rtp" || !(s.trackIdentifier in out)) return;
        const prev = out[s.trackIdentifier];
        if (prev && prev.packetsReceived >= (s.packetsReceived || 0)) return;
        out[s.trackIdentifier] = {
          packetsReceived: s.packetsReceived || 0,
          bytesReceived: s.bytesReceived || 0,
          framesDecoded: s.framesDecoded || 0,
        };
      });
    }
    return out;
  })(${JSON.stringify(trackIds)})`) as Promise<Record<string, TrackInbound | null>>;
}
