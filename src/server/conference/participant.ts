import { randomBytes } from "node:crypto";
import type { Device, ParticipantInfo, Role } from "../../protocol/messages.js";
import { Budgets } from "./budgets.js";

export function newParticipantId(): string {
  return `p_${randomBytes(9).toString("base64url")}`;
}

/** One person in a room, as the conference logic knows them. */
export class Participant {
  readonly id: string;
  readonly name: string;
  readonly joinedAt: number;
  /** Secret that lets this participant come back after a lost connection (see Room's resume window). */
  readonly resumeToken = randomBytes(18).toString("base64url");
  role: Role;
  audio = true;
  video = true;
  screen = false;
  /** Its browser says it records the meeting locally (it cannot be checked: what it says is shown). */
  recording = false;
  /** Devices a moderator turned off: the media server drops them until the participant turns them on again. */
  readonly blocked = new Set<Device>();

  /** Its browser's key for this meeting, if it sent one: what a removal bars. Never sent to anyone. */
  key: string | undefined;
  /** How often it may ask for what everyone hears about (budgets.ts). */
  readonly budgets: Budgets;

  constructor(
    name: string,
    role: Role,
    joinedAt: number,
    id: string = newParticipantId(),
    budgets = new Budgets(),
  ) {
    this.id = id;
    this.budgets = budgets;
    this.name = name;
    this.role = role;
    this.joinedAt = joinedAt;
  }

  info(): ParticipantInfo {
    return {
      id: this.id,
      name: this.name,
      role: this.role,
      audio: this.audio,
      video: this.video,
      screen: this.screen,
      recording: this.recording,
    };
  }
}
