/**
 * "Assign at random" for breakout rooms: those not assigned yet are shuffled, then each goes to the room with
 * the fewest people so far (counting those already assigned by hand), so rooms end up within one of each other
 * whatever the moderator did first.
 */

/**
 * Adds to `assigned` (person id → room id) an assignment for every one of `people` not in it yet; `random`
 * returns [0, 1) as Math.random does (a test gives its own). Nothing happens without rooms.
 */
export function assignAtRandom(
  people: readonly string[],
  rooms: readonly string[],
  assigned: Map<string, string>,
  random: () => number = Math.random,
): void {
  if (rooms.length === 0) return;
  const counts = new Map(rooms.map((id) => [id, 0]));
  for (const to of assigned.values()) if (counts.has(to)) counts.set(to, (counts.get(to) ?? 0) + 1);
  const free = people.filter((id) => !assigned.has(id));
  // Fisher-Yates.
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [free[i], free[j]] = [free[j] as string, free[i] as string];
  }
  for (const id of free) {
    let emptiest = rooms[0] as string;
    for (const [room, n] of counts) if (n < (counts.get(emptiest) ?? 0)) emptiest = room;
    assigned.set(id, emptiest);
    counts.set(emptiest, (counts.get(emptiest) ?? 0) + 1);
  }
}
