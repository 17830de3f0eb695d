// La console du personnel en français quand le magasin partagé ne répond pas (clés de en/store-away.ts).
import type { StaffCatalog } from '../types';

export const frStoreAway: StaffCatalog = {
  'away.title': 'Le magasin partagé ne répond pas',
  'away.what': 'Cette passerelle ne peut pas joindre pour l’instant le magasin partagé du réseau des bibliothèques (il redémarre peut-être, bascule vers un autre serveur ou n’a plus d’espace disque) : la console ne peut ni afficher ni modifier les sessions, les passes, les règles ou les comptes.',
  'away.works': 'Les usagers sont toujours admis dans cette bibliothèque : le wifi et les postes publics continuent de fonctionner avec ce que sait cette passerelle, qui enregistre leurs sessions dans le magasin dès son retour.',
  'away.cannot': 'Aucune modification ne peut être enregistrée avant le retour du magasin.',
  'away.nothingSaved': 'Rien n’a été enregistré : ce que vous venez d’envoyer n’a pas été appliqué. Quand la console revient, vérifiez la session ou les passes et recommencez.',
  'away.maybeSaved': 'Le magasin a cessé de répondre pendant l’enregistrement de votre modification : elle a peut-être été enregistrée, ou non (jamais à moitié). Quand la console revient, vérifiez la session ou les passes avant de recommencer.',
  'away.retry': 'Cette page réessaie d’elle-même toutes les {seconds} secondes.',
  'away.retryNow': 'Réessayer maintenant',
  'away.it': 'Si cela dure plus de quelques minutes, prévenez le service informatique de la bibliothèque : le magasin partagé (Redis) est peut-être arrêté.',
  'away.json': 'Le magasin partagé du réseau des bibliothèques ne répond pas : rien ne peut être affiché ni enregistré pour l’instant (rien n’a été enregistré). Les usagers sont toujours admis dans cette bibliothèque. Réessayez dans {seconds} secondes.',
};
