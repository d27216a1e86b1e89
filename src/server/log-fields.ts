/**
 * What of an error may be logged. Error messages can quote client-chosen text (Janus echoes a mid or an SDP
 * line; a parser quotes its input), and the logs promise no personal data: they get the error's class and,
 * for Janus, its numeric code. Our own media errors are fixed sentences and keep them.
 */
import { JanusError } from "./media/janus-client.js";
import { MediaError } from "./media/media-room.js";

export function errorFields(err: unknown): { error: string; code?: number; err?: string } {
  if (err instanceof JanusError) return { error: "JanusError", code: err.code };
  if (err instanceof MediaError) return { error: "MediaError", err: err.message };
  if (err instanceof Error) return { error: err.name };
  return { error: typeof err };
}
