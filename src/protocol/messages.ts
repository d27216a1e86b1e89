/**
 * The signaling protocol, version 1. This module is the only place untrusted input is parsed
 * (`parseClientMessage`); the schemas live in client-messages.ts, the server's messages in
 * server-messages.ts. PROTOCOL.md is the prose contract: keep them in step.
 */
import * as v from "valibot";
import { type ClientMessage, type ClientMessageType, clientSchemas } from "./client-messages.js";
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

/** Parses one text frame from a client. Throws `ParseError`; never returns unchecked data. */
export function parseClientMessage(text: string): ClientMessage {
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
    throw new ParseError(ErrorCode.UnknownType, `unknown message type '${type.slice(0, 40)}'`, requestId);
  }
  const schema = clientSchemas[type as ClientMessageType];
  const result = v.safeParse(schema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? "message";
    throw new ParseError(ErrorCode.BadMessage, `${type}: ${path}: ${issue.message}`, requestId);
  }
  return result.output as ClientMessage;
}
