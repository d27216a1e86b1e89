/**
 * The meeting the resilience tests put through a loss (media-recovery: Janus killed; cluster-call: a node
 * killed or stopped): three people, a password, the lobby on, a chat message and two raised hands, and the
 * check that all of it is as it was afterwards.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { RawClient } from "../../helpers/ws-client.js";
import { msel, openParticipants, rowOf, setLobby, setPassword } from "./moderation-ui.js";
import { openChat, sendChat, social, waitForHandOrder, waitForShownTexts } from "./social.js";
import { waitForMediaFrom, waitForRemoteSet } from "./ui.js";

export interface Person {
  page: Page;
  id: string;
  name: string;
}

/**
 * Waits until each of the three sees and hears the two others; then Ann (the moderator) sets `password` and
 * turns the lobby on, Ben says `chat`, Cat raises her hand, then Ben (not the order they joined in).
 */
export async function guardMeeting(ann: Person, ben: Person, cat: Person, password: string, chat: string) {
  const everyone = [ann, ben, cat];
  for (const x of everyone) {
    const ids = everyone.filter((y) => y !== x).map((y) => y.id);
    await waitForRemoteSet(x.page, ids, 30_000);
    await waitForMediaFrom(x.page, ids, 40_000);
  }
  await setPassword(ann.page, password);
  await ann.page.locator(msel.roomLocked).waitFor({ state: "visible", timeout: 10_000 });
  await setLobby(ann.page, true);
  // Closed again so that the hands list and the tiles are what the page shows.
  await ann.page.locator(msel.toggleParticipants).click();
  await openChat(ben.page);
  await sendChat(ben.page, chat);
  for (const x of everyone) {
    await openChat(x.page);
    await waitForShownTexts(x.page, [chat], () => true, `the chat on ${x.name}'s page`);
  }
  await cat.page.locator(social.toggleHand).click();
  await waitForHandOrder(ann.page, [cat.id], { moderator: true, what: "Cat's hand on Ann's page" });
  await ben.page.locator(social.toggleHand).click();
  for (const x of everyone)
    await waitForHandOrder(x.page, [cat.id, ben.id], {
      moderator: x === ann,
      what: `hands on ${x.name}'s page`,
    });
}

/**
 * On every page: the chat shows `chats`, the hands are Cat's then Ben's (each one's own hand button says so),
 * Ann is the only moderator, and the meeting shows as locked; only Ann has the security settings, lobby on.
 */
export async function expectGuardedState(
  ann: Person,
  ben: Person,
  cat: Person,
  chats: string[],
  when: string,
) {
  for (const x of [ann, ben, cat]) {
    await openChat(x.page);
    await waitForShownTexts(x.page, chats, () => true, `the chat on ${x.name}'s page ${when}`, 5000);
    await waitForHandOrder(x.page, [cat.id, ben.id], {
      moderator: x === ann,
      what: `hands on ${x.name}'s page ${when}`,
      timeoutMs: 5000,
    });
    expect(await x.page.locator(social.toggleHand).getAttribute("aria-pressed")).toBe(String(x !== ann));
    await openParticipants(x.page);
    await x.page.locator(`${rowOf(ann.id)} ${msel.roleBadge}`).waitFor({ state: "visible", timeout: 5000 });
    expect(await x.page.locator(`${msel.pane} ${msel.roleBadge}`).count(), `badges on ${x.name}'s page`).toBe(
      1,
    );
    await x.page.locator(msel.roomLocked).first().waitFor({ state: "visible", timeout: 5000 });
  }
  expect(await ann.page.locator(msel.lobbyToggle).isChecked()).toBe(true);
  for (const x of [ben, cat]) expect(await x.page.locator(msel.lobbyToggle).count(), x.name).toBe(0);
}

/**
 * A new socket to `wsUrl` is refused without `password`, waits in the lobby with it, and the moderator's page
 * shows the knock, which goes when the stranger gives up.
 */
export async function expectStrangerHeldOut(
  wsUrl: string,
  room: string,
  password: string,
  moderator: Person,
) {
  const stranger = await RawClient.connect(wsUrl);
  try {
    expect(await stranger.request({ type: "join", v: 1, room, name: "Eve" }, 10_000)).toMatchObject({
      type: "error",
      code: "password_required",
    });
    expect(await stranger.request({ type: "join", v: 1, room, name: "Eve", password }, 10_000)).toMatchObject(
      {
        type: "lobby.waiting",
      },
    );
    const knock = moderator.page.locator(msel.knock).filter({ hasText: "Eve" });
    await knock.waitFor({ state: "visible", timeout: 10_000 });
    expect(await stranger.request({ type: "lobby.cancel" })).toMatchObject({ type: "ok" });
    await knock.waitFor({ state: "detached", timeout: 10_000 });
  } finally {
    stranger.close();
  }
}
