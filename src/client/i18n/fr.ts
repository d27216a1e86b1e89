/** Chaînes françaises : le type `Dictionary` impose exactement les clés de en.ts. */
import type { Dictionary } from "./en.js";

export const fr: Dictionary = {
  "app.name": "Palabre",
  "language.label": "Langue",
  "language.en": "English",
  "language.fr": "Français",

  "home.title": "Démarrer ou rejoindre une réunion",
  "home.intro":
    "Des visioconférences privées, sur un serveur de confiance. Sans compte, sans rien enregistrer.",
  "home.roomLabel": "Nom de la réunion",
  "home.roomPlaceholder": "par ex. reunion-equipe",
  "home.go": "Continuer",
  "home.emptyRoom": "Saisissez un nom de réunion.",
  "home.invalidRoom":
    "Un nom de réunion ne peut contenir que des lettres, des chiffres, « - », « _ » et « . », 64 caractères au plus.",

  "prejoin.title": "Rejoindre « {room} »",
  "prejoin.nameLabel": "Votre nom",
  "prejoin.namePlaceholder": "Prénom et nom",
  "prejoin.nameHint": "Visible par les autres participants. Enregistré nulle part.",
  "prejoin.join": "Rejoindre la réunion",
  "prejoin.preview": "Aperçu de la caméra",
  "prejoin.cameraOff": "Votre caméra est coupée",
  "prejoin.starting": "Démarrage de la caméra et du micro…",
  "prejoin.otherRoom": "Choisir une autre réunion",

  "device.audio.denied": "L'accès au micro a été refusé : les autres ne vous entendront pas.",
  "device.video.denied": "L'accès à la caméra a été refusé : les autres ne vous verront pas.",
  "device.audio.missing": "Aucun micro détecté.",
  "device.video.missing": "Aucune caméra détectée.",
  "device.audio.unavailable": "Le micro n'a pas pu démarrer. Une autre application l'utilise-t-elle ?",
  "device.video.unavailable": "La caméra n'a pas pu démarrer. Une autre application l'utilise-t-elle ?",
  "device.audio.insecure": "Le micro nécessite une connexion sécurisée (https).",
  "device.video.insecure": "La caméra nécessite une connexion sécurisée (https).",

  "control.mic": "Micro",
  "control.camera": "Caméra",
  "control.micMute": "Couper le micro",
  "control.micUnmute": "Activer le micro",
  "control.cameraOff": "Couper la caméra",
  "control.cameraOn": "Activer la caméra",
  "control.hangup": "Quitter la réunion",
  "toolbar.label": "Commandes de la réunion",

  "conference.label": "Réunion {room}",
  "conference.alone":
    "Personne d'autre n'est encore là. Partagez l'adresse de cette page pour inviter d'autres participants.",
  "conference.joinedAnnounce": "{name} a rejoint la réunion",
  "conference.leftAnnounce": "{name} a quitté la réunion",
  "tile.you": "(vous)",
  "tile.localLabel": "{name} (vous)",
  "tile.micMuted": "Micro coupé",

  "health.connecting": "Connexion de l'audio et de la vidéo…",
  "health.unstable": "Connexion instable, tentative de rétablissement…",
  "health.failed": "La connexion audio et vidéo a été perdue.",

  "joining.message": "Connexion à la réunion…",
  "joining.reconnecting": "La connexion a été interrompue. Reconnexion à la réunion…",

  "left.title": "Vous avez quitté la réunion",
  "left.rejoin": "Rejoindre à nouveau",
  "left.home": "Retour à l'accueil",

  "error.title": "Un problème est survenu",
  "error.retry": "Réessayer",
  "error.details": "Détails techniques",
  "error.roomFull": "Cette réunion est complète.",
  "error.mediaFailed": "Le serveur audio et vidéo n'a pas pu vous connecter. Veuillez réessayer.",
  "error.connectionLost": "La connexion au serveur a été perdue.",
  "error.connectFailed": "Impossible de joindre le serveur. Vérifiez votre connexion, puis réessayez.",
  "error.timeout": "Le serveur n'a pas répondu à temps.",
  "error.outdated": "Cette page n'est plus à jour. Rechargez-la pour rejoindre la réunion.",
  "error.badName": "Ce nom ou ce nom de réunion ne peut pas être utilisé. Veuillez en choisir un autre.",
  "error.rateLimited": "Trop de requêtes. Patientez un instant, puis réessayez.",
  "error.noWebrtc": "Ce navigateur ne permet pas les appels vidéo.",
  "error.generic": "Une erreur inattendue s'est produite.",
};
