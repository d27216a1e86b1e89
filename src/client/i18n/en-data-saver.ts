/** English strings of the data saver (features/data-saver); en.ts takes them in. */
export const enDataSaver = {
  "dataSaver.label": "Save mobile data",
  "dataSaver.hint": "Lowest picture, at most 4 videos. Remembered on this browser.",
};
