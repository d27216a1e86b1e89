import { randomBytes } from "node:crypto";
import type { ParticipantInfo, Role } from "../../protocol/messages.js";

/** One person in a room, as the conference logic knows them. */
export class Participant {
  readonly id = `p_${randomBytes(9).toString("base64url")}`;
  readonly name: string;
  readonly joinedAt: number;
  role: Role;
  audio = true;
  video = true;

  constructor(name: string, role: Role, joinedAt: number) {
    this.name = name;
    this.role = role;
    this.joinedAt = joinedAt;
  }

  info(): ParticipantInfo {
    return { id: this.id, name: this.name, role: this.role, audio: this.audio, video: this.video };
  }
}
