/** Chaînes françaises de l'économiseur de données (features/data-saver) ; fr.ts les reprend. */
import type { enDataSaver } from "./en-data-saver.js";

export const frDataSaver: Record<keyof typeof enDataSaver, string> = {
  "dataSaver.label": "Économiser les données mobiles",
  "dataSaver.hint": "Image la plus légère, 4 vidéos au plus. Retenu sur ce navigateur.",
};
