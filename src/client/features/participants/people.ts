/**
 * The participants pane's list, as pure functions (tested without a DOM): who is there, in which order,
 * and who matches the search.
 */
import type { HandEntry, ParticipantInfo, Role } from "../../../protocol/messages.js";

export interface Person {
  id: string;
  name: string;
  role: Role;
  audio: boolean;
  video: boolean;
  /** Sharing a screen. */
  screen: boolean;
  local: boolean;
  /** Place in the raised-hands queue, from 1; null when the hand is down. */
  hand: number | null;
}

/**
 * Everyone present: ourselves (with our devices' real state, which the server may not have heard yet) and
 * the others as the server describes them, each with their place in the hand queue.
 */
export function peopleOf(
  me: { info: ParticipantInfo; audio: boolean; video: boolean } | null,
  others: Iterable<ParticipantInfo>,
  hands: readonly HandEntry[],
): Person[] {
  const place = new Map(hands.map((h, i) => [h.participantId, i + 1]));
  const people: Person[] = [];
  if (me)
    people.push({
      ...me.info,
      audio: me.audio,
      video: me.video,
      local: true,
      hand: place.get(me.info.id) ?? null,
    });
  for (const p of others) people.push({ ...p, local: false, hand: place.get(p.id) ?? null });
  return people;
}

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/** Raised hands first, in queue order (whoever speaks next is on top); then ourselves; then by name. */
export function ordered(people: readonly Person[]): Person[] {
  return [...people].sort((a, b) => {
    if (a.hand !== null || b.hand !== null) {
      if (a.hand === null) return 1;
      if (b.hand === null) return -1;
      return a.hand - b.hand;
    }
    if (a.local !== b.local) return a.local ? -1 : 1;
    return collator.compare(a.name, b.name) || a.id.localeCompare(b.id);
  });
}

/** Folds case and accents, so that "elo" finds "Élodie" and "ÉLO" finds "élodie". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Whether `name` contains what was typed (case and accents ignored); an empty search matches everyone. */
export function matches(name: string, query: string): boolean {
  const q = fold(query.trim().replace(/\s+/gu, " "));
  return q === "" || fold(name).includes(q);
}
