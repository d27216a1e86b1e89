/** Chaînes françaises de la discussion (features/chat) ; fr.ts les reprend. */
import type { enChat } from "./en-chat.js";

export const frChat: Record<keyof typeof enChat, string> = {
  "chat.toggle": "Chat",
  "chat.toggleHint": "Ouvrir ou fermer le chat",
  "chat.toggleUnreadOne": "Chat, 1 message non lu",
  "chat.toggleUnreadMany": "Chat, {count} messages non lus",
  "chat.title": "Chat",
  "chat.close": "Fermer le chat",
  "chat.messages": "Messages",
  "chat.empty":
    "Aucun message pour l'instant. Rien n'est enregistré : les messages disparaissent à la fin de la réunion.",
  "chat.you": "(vous)",
  "chat.private": "Privé",
  "chat.privateTo": "Privé, à {name}",
  "chat.sending": "Envoi…",
  "chat.waiting": "En attente de la connexion…",
  "chat.to": "À",
  "chat.everyone": "Tout le monde",
  "chat.someoneGone": "Une personne partie",
  "chat.inputLabel": "Message",
  "chat.placeholderEveryone": "Message à tout le monde",
  "chat.placeholderPrivate": "Message privé à {name}",
  "chat.hint": "Entrée pour envoyer, Maj+Entrée pour aller à la ligne.",
  "chat.send": "Envoyer",
  "chat.remaining": "{count} caractères restants",
  "chat.tooLong": "Trop long : {length} caractères, la limite est de {max}.",
  "chat.unsendable":
    "Ce message ne peut pas être envoyé : il contient une longue suite d'accents ou de signes, ou un caractère abîmé.",
  "chat.slowDown": "Vous envoyez des messages très vite : ils partiront dans un instant.",
  "chat.notSent": "Un message n'a pas pu être envoyé.",
  "chat.recipientLeft": "Le destinataire a quitté la réunion : le message privé n'a pas été envoyé.",
  "chat.recipientGone": "La personne choisie a quitté la réunion. Choisissez un autre destinataire.",
  "chat.dismiss": "Fermer",
  "chat.announce": "{name} : {text}",
  "chat.announcePrivate": "Message privé de {name} : {text}",
};
