/**
 * The signaling protocol, version 1. This module is the only place untrusted input is parsed
 * (`parseClientMessage`); the schemas live in client-messages.ts, the server's messages in
 * server-messages.ts. PROTOCOL.md is the prose contract: keep them in step. The browser takes its values
 * (limits, the room name's schema) from common.ts and only types from here: a value imported from this module
 * would bring every message schema into its bundle.
 */
import * as v from "valibot";
import { type ClientMessage, type ClientMessageType, clientSchemas } from "./client-messages.js";
import { Limits } from "./common.js";
import { ErrorCode, ProtocolError } from "./errors.js";

export * from "./client-messages.js";
export * from "./common.js";
export * from "./server-messages.js";

/** A message that failed to parse: the code to answer with and the request id, if one was readable. */
export class ParseError extends ProtocolError {
  readonly requestId: number | undefined;
  constructor(code: ErrorCode, message: string, requestId: number | undefined) {
    super(code, message);
    this.name = "ParseError";
    this.requestId = requestId;
  }
}

/**
 * Why `text` is too big or too nested to hand to JSON.parse, or null. One pass, and it stops at the first
 * limit crossed: a string is skipped with indexOf, so an SDP costs next to nothing. JSON.parse itself is
 * linear, but some shapes cost it 20-50 ms per 500 KiB (deep nesting, tens of thousands of members), which
 * no valid message needs. Invalid JSON is left to JSON.parse to report.
 */
function shapeProblem(text: string): string | null {
  if (text.length > Limits.frameMaxBytes) return `frame longer than ${Limits.frameMaxBytes} characters`;
  let depth = 0;
  let members = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // The closing quote is the next one not escaped, i.e. preceded by an even run of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return null;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c /* \ */) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > Limits.frameMaxDepth) return `message nests deeper than ${Limits.frameMaxDepth} levels`;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */ && ++members > Limits.frameMaxMembers) {
      return `message holds more than ${Limits.frameMaxMembers} values`;
    }
  }
  return null;
}

/** At most `max` UTF-16 code units of `s`, never ending in half a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\ud800-\udbff]/.test(s.charAt(max - 1)) ? max - 1 : max;
  return s.slice(0, end);
}

/** An error message quotes the input (valibot's "received …"): a 500 KiB string must not come back. */
function clip(message: string): string {
  const max = Limits.errorMessageMaxChars;
  return message.length <= max ? message : `${cut(message, max - 1)}…`;
}

/** Parses one text frame from a client. Throws `ParseError`; never returns unchecked data. */
export function parseClientMessage(text: string): ClientMessage {
  // Every bound is checked before the work it bounds: shape before JSON.parse, lengths before the
  // elements or characters they count (see the limits in common.ts).
  const problem = shapeProblem(text);
  if (problem !== null) throw new ParseError(ErrorCode.BadMessage, problem, undefined);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ParseError(ErrorCode.BadJson, "frame is not valid JSON", undefined);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ParseError(ErrorCode.BadMessage, "message must be a JSON object", undefined);
  }
  const record = raw as Record<string, unknown>;
  const idField = record.id;
  const requestId =
    typeof idField === "number" && Number.isInteger(idField) && idField >= 0 && idField <= 2 ** 31
      ? idField
      : undefined;
  const type = record.type;
  if (typeof type !== "string") {
    throw new ParseError(ErrorCode.BadMessage, "message has no string 'type'", requestId);
  }
  if (!Object.hasOwn(clientSchemas, type)) {
    throw new ParseError(ErrorCode.UnknownType, `unknown message type '${cut(type, 40)}'`, requestId);
  }
  const schema = clientSchemas[type as ClientMessageType];
  // Only the first issue is reported, so stop at it: collecting them all made one issue per bad element or
  // unknown key, and ran every later check of a field on a value already refused.
  const result = v.safeParse(schema, raw, { abortEarly: true });
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? "message";
    throw new ParseError(ErrorCode.BadMessage, clip(`${type}: ${path}: ${issue.message}`), requestId);
  }
  return result.output as ClientMessage;
}
