/**
 * English strings. This dictionary defines the set of keys: every other language must provide each one
 * (the `Dictionary` type makes a missing key a compile error). `{name}`-style placeholders are filled by t().
 */
export const en = {
  "app.name": "Palabre",
  "language.label": "Language",
  "language.en": "English",
  "language.fr": "Français",

  "home.title": "Start or join a meeting",
  "home.intro": "Private video meetings on a server you trust. No account, nothing stored.",
  "home.roomLabel": "Meeting name",
  "home.roomPlaceholder": "e.g. team-meeting",
  "home.go": "Continue",
  "home.emptyRoom": "Enter a meeting name.",
  "home.invalidRoom":
    "A meeting name may contain letters, digits, '-', '_' and '.' only, up to 64 characters.",

  "prejoin.title": "Join “{room}”",
  "prejoin.nameLabel": "Your name",
  "prejoin.namePlaceholder": "First and last name",
  "prejoin.nameHint": "Shown to the other participants. Not stored anywhere.",
  "prejoin.join": "Join meeting",
  "prejoin.preview": "Camera preview",
  "prejoin.cameraOff": "Your camera is off",
  "prejoin.starting": "Starting camera and microphone…",
  "prejoin.otherRoom": "Choose another meeting",

  "device.audio.denied": "Access to the microphone was refused: the others will not hear you.",
  "device.video.denied": "Access to the camera was refused: the others will not see you.",
  "device.audio.missing": "No microphone found.",
  "device.video.missing": "No camera found.",
  "device.audio.unavailable": "The microphone could not be started. Is another application using it?",
  "device.video.unavailable": "The camera could not be started. Is another application using it?",
  "device.audio.insecure": "The microphone needs a secure (https) connection.",
  "device.video.insecure": "The camera needs a secure (https) connection.",

  "control.mic": "Microphone",
  "control.camera": "Camera",
  "control.micMute": "Mute microphone",
  "control.micUnmute": "Unmute microphone",
  "control.cameraOff": "Turn off camera",
  "control.cameraOn": "Turn on camera",
  "control.hangup": "Leave meeting",
  "toolbar.label": "Meeting controls",

  "conference.label": "Meeting {room}",
  "conference.alone": "Nobody else is here yet. Share this page's address to invite others.",
  "conference.joinedAnnounce": "{name} joined the meeting",
  "conference.leftAnnounce": "{name} left the meeting",
  "tile.you": "(you)",
  "tile.localLabel": "{name} (you)",
  "tile.micMuted": "Microphone off",

  "health.connecting": "Connecting audio and video…",
  "health.unstable": "Connection unstable, trying to recover…",
  "health.failed": "Audio and video connection lost.",

  "joining.message": "Joining the meeting…",
  "joining.reconnecting": "The connection was interrupted. Joining the meeting again…",

  "left.title": "You left the meeting",
  "left.rejoin": "Rejoin",
  "left.home": "Back to home",

  "error.title": "Something went wrong",
  "error.retry": "Try again",
  "error.details": "Technical details",
  "error.roomFull": "This meeting is full.",
  "error.mediaFailed": "The media server could not connect you. Please try again.",
  "error.connectionLost": "The connection to the server was lost.",
  "error.connectFailed": "Could not reach the server. Check your connection and try again.",
  "error.timeout": "The server did not answer in time.",
  "error.outdated": "This page is out of date. Reload it to join the meeting.",
  "error.badName": "This name or meeting name cannot be used. Please choose another.",
  "error.rateLimited": "Too many requests. Wait a moment, then try again.",
  "error.noWebrtc": "This browser cannot make video calls.",
  "error.generic": "An unexpected error occurred.",
} as const;

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;
