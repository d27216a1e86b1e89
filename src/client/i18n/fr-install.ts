/** Les textes français de l'installation de l'application et de la page « Pas de connexion » (voir en-install.ts). */
import type { enInstall } from "./en-install.js";

export const frInstall: Record<keyof typeof enInstall, string> = {
  "install.offer": "Installer l'application",
  "install.offerHint":
    "Palabre s'ouvre dans sa propre fenêtre, depuis l'écran d'accueil ou vos applications.",
  "offline.title": "Pas de connexion",
  "offline.text":
    "La réunion ne peut pas s'ouvrir sans connexion à son serveur. Vérifiez le Wi-Fi ou les données mobiles, puis réessayez.",
  "offline.retry": "Réessayer",
};
