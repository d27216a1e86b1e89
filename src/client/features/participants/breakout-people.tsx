/**
 * Who is where, in the participants pane: each breakout room other than the one we are in, with the people in
 * it now (the server's `breakouts`), narrowed by the pane's search like the list above. Nothing while the
 * meeting has no breakout rooms with anyone in them. Those in our own room are the pane's list itself.
 */
import { t } from "../../i18n/i18n.js";
import { BreakoutScope } from "../breakout/breakout-controller.js";
import { matches } from "./people.js";

export function BreakoutPeople({ query }: { query: string }) {
  const breakouts = BreakoutScope.use();
  const here = breakouts.here.value;
  const rooms = breakouts.state.value.rooms
    .filter((r) => r.id !== here)
    .map((r) => ({ ...r, people: r.people.filter((p) => matches(p.name, query)) }))
    .filter((r) => r.people.length > 0);
  if (rooms.length === 0) return null;
  return (
    <section class="pane-section" aria-labelledby="breakout-people-title" data-testid="pane-breakouts">
      <h3 id="breakout-people-title">{t("breakout.elsewhere")}</h3>
      {rooms.map((r) => {
        const name = breakouts.name(r.id);
        return (
          <div key={r.id} class="breakout-people-room" data-testid={`pane-breakout-${r.id}`}>
            <h4>{t("breakout.roomCount", { name, count: r.people.length })}</h4>
            <ul class="people" aria-label={name}>
              {r.people.map((p) => (
                <li key={p.id} class="person" data-participant-id={p.id}>
                  <span class="person-name">{p.name}</span>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
