// Les pages du laissez-passer d'accueil en français (clés de en/desk-print.ts).
import type { StaffCatalog } from '../types';

export const frDeskPrint: StaffCatalog = {
  'deskPrint.title': "Imprimer un laissez-passer d'accueil",
  'deskPrint.intro': "Un laissez-passer d'accueil donne à un usager du temps en plus aujourd'hui, même quand son temps du jour est épuisé. Imprimez-en un pour un usager qui ne peut pas vous montrer de code d'aide sur un téléphone, ou qui le demande à l'accueil.",
  'deskPrint.once': "Il sert une seule fois, sur n'importe quel Wi-Fi ou poste public de la bibliothèque, jusqu'à minuit ce soir ({time}). Demain, il ne sert plus à rien.",
  'deskPrint.where': "L'usager saisit son code sur la page d'accueil (sous « {ask} »), sur la page « temps épuisé », ou dans la case du laissez-passer quand le réseau en demande un.",
  'deskPrint.session': "La session s'arrête à la durée de session de la zone et à l'heure de fermeture, comme toute session.",
  'deskPrint.sessionCap': "La session s'arrête à la durée de session de la zone et à l'heure de fermeture, comme toute session : {cap} minutes au plus ici.",
  'deskPrint.privacy': "Le code n'est montré qu'une fois, sur la feuille à imprimer. Threshold n'en garde qu'une empreinte à clé, et le journal d'audit dit combien de laissez-passer vous avez imprimés, jamais pour qui.",
  'deskPrint.minutes': 'Minutes par laissez-passer',
  'deskPrint.minutesHelp': 'De {min} à {max}.',
  'deskPrint.count': "Nombre de laissez-passer d'accueil",
  'deskPrint.countHelp': 'De 1 à {max} : un par usager.',
  'deskPrint.submit': "Imprimer le laissez-passer d'accueil",
  'deskPrint.countWrong': "Indiquez combien de laissez-passer d'accueil imprimer, de 1 à {max}.",
  'deskPrint.minutesWrong': "Indiquez les minutes que donne chaque laissez-passer d'accueil, de {min} à {max}.",
  'deskPrint.label': "Laissez-passer d'accueil",
  'deskSheet.title': "Laissez-passer d'accueil à imprimer",
  'deskSheet.heading': { one: "Imprimez ce laissez-passer d'accueil maintenant", other: "Imprimez ces {n} laissez-passer d'accueil maintenant" },
  'deskSheet.once': {
    one: "C'est la seule fois que ce code est affiché : Threshold n'en garde que l'empreinte. Imprimez la feuille avant de quitter cette page, découpez chaque laissez-passer et remettez-le à l'usager.",
    other: "C'est la seule fois que ces codes sont affichés : Threshold n'en garde que les empreintes. Imprimez la feuille avant de quitter cette page, découpez chaque laissez-passer et remettez-le à l'usager.",
  },
  'deskSheet.capped': "Aucune zone ne donne plus de {cap} minutes par session : chaque laissez-passer d'accueil donne donc {minutes} minutes, pas {asked}. Les cartes indiquent {minutes}.",
  'deskSheet.another': "Imprimer un autre laissez-passer d'accueil",
  'deskSheet.list': "Laissez-passer d'accueil",
  'deskSheet.passTitle': "Laissez-passer d'accueil : temps en plus aujourd'hui",
  'deskSheet.terms': "{minutes} minutes · une seule fois · aujourd'hui seulement, jusqu'à {time}",
};
