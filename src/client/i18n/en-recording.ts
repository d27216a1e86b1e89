/** English strings of local recording (features/recording); en.ts takes them in. */
export const enRecording = {
  "recording.start": "Record the meeting",
  "recording.startHint": "On this computer only; everyone sees that you record.",
  "recording.stop": "Stop recording",
  "recording.stopHint": "The file is saved to your downloads.",
  "recording.notAllowed": "A moderator does not allow recording in this meeting.",
  "recording.unsupported": "This browser cannot record the meeting.",
  "recording.failed": "The recording did not start. Try again.",
  "recording.forbidden": "A moderator stopped recording in this meeting. Your file was saved.",
  "recording.by": "Recording: {names}",
  "recording.dismiss": "OK",
  "security.recording": "Participants may record the meeting",
  "security.recordingHint": "On their own computer. Everyone sees who records.",
} as const;
