import { render } from "preact";
import { signal } from "@preact/signals";
const n = signal(0);
function App() { return <button type="button" onClick={() => n.value++}>hi {n}</button>; }
const el = document.getElementById("app");
if (el) render(<App />, el);
