// French strings of the privacy notice (/privacy); part of the catalogue in fr.ts.
import type { PrivacyCatalog } from './catalogue';
export const frPrivacy: PrivacyCatalog = {
  'privacy.title': 'Notice de confidentialité',
  'privacy.lead': '{library} offre un accès gratuit à internet sans pister personne. Cette page est produite à partir des réglages avec lesquels ce portail fonctionne en ce moment.',
  'privacy.keptTitle': 'Ce que nous conservons, et pendant combien de temps',
  'privacy.whileOnlineTitle': 'Pendant votre connexion',
  'privacy.whileOnline':
    'Les adresses réseau de votre appareil (l’adresse IP et, quand le réseau la voit, l’adresse matérielle MAC), car le pare-feu en a besoin pour vous laisser passer. ' +
    'Elles ne sont conservées que chiffrées, sous une clé remplacée toutes les {addressKey}. L’enregistrement de votre session est effacé à sa fin (au plus tard {grace} après, pour qu’un redémarrage puisse encore refermer la porte derrière vous), et dans les {forgotten} qui suivent la fin, toute clé capable de l’ouvrir est détruite : aucune copie restée, dans un journal de base de données ou une sauvegarde, ne peut plus être lue par personne, exploitant compris. ' +
    'Avec elles : la zone du réseau où vous vous trouvez, l’heure de début et de fin de votre session, et le court code de session affiché sur votre écran.',
  'privacy.usageTitle': 'Temps utilisé aujourd’hui',
  'privacy.usage':
    'Pour partager le temps équitablement, les minutes utilisées sont comptées par appareil et par jour, sous un code calculé à partir de l’adresse de votre appareil avec une clé qui n’existe que pendant {keyDays} : elle est détruite quand la journée est finie. ' +
    'Personne, pas même le personnel de la bibliothèque ni l’exploitant, ne peut relier le code d’aujourd’hui à celui d’hier. ' +
    'Les décomptes du jour sont effacés dès que la dernière session commencée ce jour-là a pris fin.',
  'privacy.backupsTitle': 'Sauvegardes',
  'privacy.backups': 'Les clés ne quittent jamais cette passerelle : elles sont gardées à part des données et ne sont jamais mises dans une sauvegarde. Une sauvegarde des données de ce réseau ne contient aucune adresse que quiconque puisse lire.',
  'privacy.limitsTitle': 'Limites actuelles',
  'privacy.zoneLimits': '{zone} : sessions de {session} au plus, {daily} par jour et par appareil.',
  'privacy.zoneLimitsIdle': '{zone} : sessions de {session} au plus, {daily} par jour et par appareil ; une session sans trafic pendant {idle} prend fin.',
  'privacy.stats': 'Statistiques',
  'privacy.statsBody':
    'Pour ses bilans, la bibliothèque ne garde que des totaux par heure et par zone du réseau : nombre de sessions ouvertes, minutes utilisées, nombre maximal de personnes connectées en même temps, ' +
    'nombre de fois où le temps était épuisé ou la bibliothèque fermée, et nombre de consultations des leçons. Ces totaux ne contiennent rien sur personne et sont conservés {retention}.',
  'privacy.never': 'Ce que nous ne collectons jamais',
  'privacy.never1': 'les sites ou adresses que vous consultez, ni vos requêtes DNS ;',
  'privacy.never2': 'ce que vous tapez, lisez, téléchargez ou envoyez ;',
  'privacy.never3': 'votre nom, votre adresse e-mail, votre numéro de téléphone ou de carte de bibliothèque ;',
  'privacy.never4': 'le type de votre navigateur ou de votre appareil (user agent) ;',
  'privacy.never5': 'les leçons que vous lisez, ni vos réponses à leurs questions ;',
  'privacy.never6': 'quoi que ce soit qui permettrait de suivre votre appareil d’un jour à l’autre.',
  'privacy.logs': 'Les journaux du portail ne contiennent ni adresse réseau, ni adresse d’appareil, ni code du jour, ni code de session. Chaque page est servie par la passerelle de la bibliothèque elle-même : aucune page ici ne charge quoi que ce soit depuis un autre site.',
  'privacy.rights': 'Vos droits',
  'privacy.rightsBody': 'Vous n’avez à donner aucune information personnelle pour utiliser ce service. Pour toute question sur la confidentialité, adressez-vous au personnel de la bibliothèque : il peut vous expliquer cette notice et le fonctionnement du service.',
  // Published figures, logs and staff records.
  'privacy.smallCells':
    'Aucun chiffre publié par la bibliothèque (pages de statistiques, exports, totaux annuels ou supervision) ne porte sur moins de {k} sessions : un chiffre plus petit est masqué et affiché « moins de {k} », et les totaux ne comptent que les chiffres affichés, si bien qu’on ne peut pas les soustraire pour retrouver une personne.',
  'privacy.auditTitle': 'Quand le personnel vous aide',
  'privacy.audit':
    'Quand le personnel prolonge ou termine votre session, le journal du personnel note qui l’a fait et dans quelle partie du réseau, à {precision} près : jamais votre code de session ni rien sur votre appareil. Il est conservé {retention}. Un pass d’accès utilisé est seulement marqué comme utilisé, sans dire par quelle session ni quand.',
  'privacy.logCounts':
    'Les journaux n’ont pas non plus de ligne par session : toutes les {period}, ils donnent seulement combien de sessions ont commencé, été prolongées et pris fin, chaque nombre seulement s’il atteint au moins {k}.',
  'privacy.controllerTitle': 'Qui est responsable, et comment poser une question ou se plaindre',
  'privacy.controller': '{controller} est responsable de ce service et des données décrites ici (responsable du traitement).',
  'privacy.contact': 'Pour toute question sur votre vie privée ici, contactez {contact}.',
  'privacy.contactDesk': 'Pour toute question sur votre vie privée ici, adressez-vous au personnel de la bibliothèque.',
  'privacy.complaint': 'Si la réponse ne vous satisfait pas, vous pouvez adresser une réclamation à {authority}.',
  'privacy.complaintDefault': 'Si la réponse ne vous satisfait pas, vous pouvez adresser une réclamation à l’autorité de protection des données de votre pays.',
  // One device, one session; private (changing) MAC addresses.
  'privacy.devicesTitle': 'Les adresses de votre appareil, et les adresses Wi-Fi privées',
  'privacy.devicesAddresses': 'Toutes les adresses réseau que votre appareil utilise ici (IPv4 et IPv6, y compris les adresses temporaires qu’il prend ensuite) partagent une même session et un même temps quotidien, et prennent fin ensemble.',
  'privacy.devicesPrivateMac': 'Beaucoup de téléphones et d’ordinateurs portables utilisent une adresse matérielle (MAC) privée pour chaque réseau Wi-Fi, et certains la changent de temps en temps. Quand la vôtre change, le portail voit un nouvel appareil : la page d’accueil s’affiche de nouveau, avec un nouveau temps quotidien.',
  'privacy.devicesNoLink': 'Rien ne relie la nouvelle adresse matérielle à l’ancienne, pas même pour le personnel de la bibliothèque ou l’exploitant : le temps utilisé sous l’ancienne ne peut pas être retrouvé à partir de la nouvelle, et l’ancienne session prend fin quand son temps est écoulé.',
  'privacy.devicesStaff': 'Le personnel peut vous aider avec le code de session affiché sur votre écran : il peut ajouter du temps à une session ou y mettre fin, sans rien apprendre sur votre appareil.',
  // The kiosk queue (tickets and bookings).
  'privacy.queueTitle': 'File d’attente des ordinateurs',
  'privacy.queue': 'Quand vous prenez un ticket pour un ordinateur, ou en réservez un, la file d’attente ne garde que son numéro, l’heure où il a été pris (et l’heure réservée), et les codes secrets de votre page de ticket et de l’ordinateur, conservés seulement sous forme d’empreintes (hashes) : jamais un nom, un téléphone, une adresse e-mail ni quoi que ce soit sur votre appareil.',
  'privacy.queueDeleted': 'Un ticket ou une réservation est supprimé dès qu’il est utilisé, annulé, ou que sa réservation de {hold} expire ; quoi qu’il arrive, il n’en reste rien après minuit.',
  'privacy.queueStats': 'Les statistiques comptent seulement combien de tickets ont été pris, servis et abandonnés, et combien de temps on a attendu, par heure et zone du réseau, et ne publient aucun chiffre qui décrive moins de {k} tickets.',
};
