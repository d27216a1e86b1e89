/** One text frame from a client, wherever its socket is: parsed in protocol/, then handed to its session. */
import { ParseError, parseClientMessage } from "../../protocol/messages.js";
import type { ParticipantSink } from "../routing/router.js";

export interface FrameHandler {
  handle(message: ReturnType<typeof parseClientMessage>, text: string): void;
}

/** Parses `text` and hands it on; a frame that does not parse is answered with its typed error. */
export function deliverFrame(text: string, handler: FrameHandler, sink: ParticipantSink): void {
  let message: ReturnType<typeof parseClientMessage>;
  try {
    message = parseClientMessage(text);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const id = err.requestId !== undefined ? { id: err.requestId } : {};
    sink.send({ type: "error", ...id, code: err.code, message: err.message });
    return;
  }
  handler.handle(message, text);
}
