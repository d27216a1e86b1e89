/** Limits shared by the server's validation and the client's UI (maxlength attributes, etc.): plain values. */

export const PROTOCOL_VERSION = 1;

export const Limits = {
  nameMaxChars: 64,
  /**
   * A name as sent, before normalisation, in UTF-16 code units: room for 64 characters written decomposed
   * (a Vietnamese letter is 3 code units in NFD) and some white space. Checked first, so that no work on a
   * name grows with the size of the frame that carried it.
   */
  nameMaxInputChars: 256,
  roomMaxChars: 64,
  /** A room name as sent, before trimming; the same reasoning as `nameMaxInputChars`. */
  roomMaxInputChars: 256,
  /**
   * Combining marks in a row in a name or a chat message. NFC reorders and composes each run of combining
   * marks in time that grows with the square of its length (a 500 KiB run took 30 s); Unicode's stream-safe
   * text format (UAX #15) allows 30 non-starters in a row, and no writing system needs more.
   */
  combiningMarksMaxRun: 30,
  passwordMaxChars: 128,
  /**
   * An end-to-end encryption message between two browsers (a signed public key, or a wrapped media key), in
   * base64url: opaque to the server, which only relays it; and how many addressees one `e2ee.signal` has.
   */
  e2eePayloadMaxChars: 512,
  e2eeEntriesMax: 200,
  /** A moderator's reason for removing someone. */
  reasonMaxChars: 200,
  /** A subscriber answer carries one m-line per stream received: ~600 characters each, 110+ in a big room. */
  sdpMaxChars: 384 * 1024,
  candidateMaxChars: 1024,
  chatMaxChars: 2000,
  /** Messages of a room's public chat kept for latecomers. */
  chatHistory: 500,
  /** A poll's question and each of its answers, in characters. */
  pollQuestionMaxChars: 300,
  pollOptionMaxChars: 100,
  /** Answers a poll offers. */
  pollOptionsMin: 2,
  pollOptionsMax: 10,
  /** Polls a meeting holds (open and closed): they are kept until it ends, and everyone receives them on entry. */
  pollsPerMeeting: 30,
  /** Breakout rooms a meeting has at once, and the characters of a room's name (empty: called by its number). */
  breakoutRooms: 20,
  breakoutNameMaxChars: 64,
  /** Assignments one `breakout.assign` carries. */
  breakoutAssignmentsMax: 500,
  /** The longest countdown before breakout rooms close, in seconds. */
  breakoutCountdownMaxSeconds: 300,
  /** Largest WebSocket frame accepted, in bytes; larger frames close the socket with 1009. */
  frameMaxBytes: 512 * 1024,
  /**
   * JSON nesting depth of a frame (the deepest message, subscribe.configure, nests 3). A 500 KiB frame of
   * nested arrays costs JSON.parse 25-50 ms, so depth is checked on the text, before parsing.
   */
  frameMaxDepth: 8,
  /**
   * Array elements and object members in a frame, counted as commas outside strings. The most a valid
   * message holds is about 1,300 (subscribe.configure, 256 streams of 5 fields); 50,000 small members
   * cost JSON.parse ~12 ms, so this too is checked before parsing.
   */
  frameMaxMembers: 4096,
  subscribeMaxStreams: 256,
  publishMaxSources: 8,
  /** An error's `message` quotes the input that failed; this bounds what is echoed back. */
  errorMessageMaxChars: 200,
} as const;
