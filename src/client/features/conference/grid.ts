/**
 * The grid's shape: a near-square arrangement (columns = ⌈√n⌉; the CSS turns it on portrait screens)
 * keeps every tile as large as the window allows whatever the count. CSS cannot count children, so the
 * counts travel as data attributes (an inline style would be refused by the page's Content-Security-Policy),
 * with one CSS rule per value up to 8. Past 8 rows tiles would be too small to see: the grid keeps 8
 * columns and scrolls ("many").
 */
export const MAX_FITTED = 8;

export function columnsFor(count: number): number {
  return Math.min(MAX_FITTED, Math.max(1, Math.ceil(Math.sqrt(count))));
}

export function gridShape(count: number): { cols: string; rows: string } {
  const cols = columnsFor(count);
  const rows = Math.max(1, Math.ceil(count / cols));
  return { cols: String(cols), rows: rows > MAX_FITTED ? "many" : String(rows) };
}
