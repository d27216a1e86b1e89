/**
 * What of an error may be logged. Error messages can quote client-chosen text (Janus echoes a mid or an SDP
 * line; a parser quotes its input), and the logs promise no personal data: they get the error's class and, for
 * an error that carries a numeric code (Janus's), that code. Our own media errors are fixed sentences and keep
 * them. Read by shape, not by class, so that this leaf module depends on nothing.
 */
export function errorFields(err: unknown): { error: string; code?: number; err?: string } {
  if (!(err instanceof Error)) return { error: typeof err };
  const code = (err as { code?: unknown }).code;
  if (typeof code === "number") return { error: err.name, code };
  if (err.name === "MediaError") return { error: err.name, err: err.message };
  return { error: err.name };
}
