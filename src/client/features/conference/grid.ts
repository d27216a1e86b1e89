/**
 * The grid's shape: a near-square arrangement (columns = ⌈√n⌉) keeps every tile as large as the window
 * allows whatever the count. CSS cannot count children, so the column count travels as a data attribute
 * (an inline style would be refused by the page's Content-Security-Policy).
 */
export const MAX_STYLED_COLUMNS = 8;

export function columnsFor(count: number): number {
  return Math.min(MAX_STYLED_COLUMNS, Math.max(1, Math.ceil(Math.sqrt(count))));
}

export function rowsFor(count: number): number {
  return Math.max(1, Math.ceil(count / columnsFor(count)));
}
