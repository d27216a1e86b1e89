/** Chaînes françaises de l'enregistrement local, de la suppression du bruit et du temps de parole (features/recording, noise-suppression, speaker-stats) ; fr.ts les reprend. */
export const frRecording = {
  "recording.start": "Enregistrer la réunion",
  "recording.startHint": "Sur cet ordinateur seulement ; tout le monde voit que vous enregistrez.",
  "recording.stop": "Arrêter l'enregistrement",
  "recording.stopHint": "Le fichier est enregistré dans vos téléchargements.",
  "recording.notAllowed": "Un modérateur n'autorise pas l'enregistrement dans cette réunion.",
  "recording.unsupported": "Ce navigateur ne peut pas enregistrer la réunion.",
  "recording.failed": "L'enregistrement n'a pas démarré. Réessayez.",
  "recording.empty": "Rien n'a été enregistré : ce navigateur n'a fourni ni son ni image.",
  "recording.forbidden":
    "Un modérateur a arrêté l'enregistrement dans cette réunion. Votre fichier a été enregistré.",
  "recording.by": "Enregistrement : {names}",
  "recording.dismiss": "OK",
  "noise.label": "Supprimer les bruits de fond",
  "noise.hint":
    "Garde votre voix, retire ventilateur, clavier et circulation. Fonctionne sur cet ordinateur.",
  "noise.unsupported": "Ce navigateur ne peut pas supprimer les bruits de fond.",
  "noise.failed": "La suppression des bruits de fond n'a pas pu démarrer dans ce navigateur.",
  "noise.tooSlow": "Cet ordinateur n'a pas suivi : la suppression des bruits de fond a été coupée.",
  "speakerStats.open": "Temps de parole",
  "speakerStats.title": "Qui a parlé combien de temps",
  "speakerStats.hint": "Dans cette salle, depuis son début. Effacé à la fin de la réunion.",
  "speakerStats.loading": "Calcul…",
  "speakerStats.failed": "Les chiffres n'ont pas pu être obtenus. Nouvel essai en cours.",
  "speakerStats.left": "(parti)",
  "security.recording": "Les participants peuvent enregistrer la réunion",
  "security.recordingHint": "Sur leur propre ordinateur. Tout le monde voit qui enregistre.",
};
