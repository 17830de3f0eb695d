// Les messages des vérifications du logo et du jardin clos en français (clés de en/settings-checks.ts).
import type { StaffCatalog } from '../types';

export const frSettingsChecks: StaffCatalog = {
  'logo.pngBroken': "Ce fichier PNG est abîmé ou incomplet. Exportez-le de nouveau depuis votre éditeur d'images et envoyez le nouveau fichier.",
  'logo.pngTooLarge': 'Le logo mesure {w} × {h} pixels : {max} pixels au plus en largeur et en hauteur (quelques centaines suffisent).',
  'logo.svgNoRoot': "Ce fichier n'est pas une image SVG : son premier élément devrait être <svg xmlns=\"http://www.w3.org/2000/svg\">. Envoyez un fichier PNG ou SVG.",
  'logo.svgPlain': 'Enregistrez-le de nouveau en SVG simple (dans Inkscape : « SVG optimisé » ; dans Illustrator : SVG avec « Attributs de présentation »), ou envoyez un PNG.',
  'logo.svgDoctype': "Ce fichier SVG contient un DOCTYPE (entités), ce qu'un logo ne peut pas avoir.",
  'logo.svgStylesheet': "Ce fichier SVG contient une feuille de style externe, ce qu'un logo ne peut pas avoir.",
  'logo.svgElement': "Ce fichier SVG contient un élément <{name}>, ce qu'un logo ne peut pas avoir.",
  'logo.svgHandler': "Ce fichier SVG contient un gestionnaire d'événement ({attr}), ce qu'un logo ne peut pas avoir.",
  'logo.svgLink': "Ce fichier SVG contient un lien ou une référence externe ({attr}=\"{value}\"), ce qu'un logo ne peut pas avoir.",
  'logo.svgExternal': "Ce fichier SVG contient une référence externe ({attr}), ce qu'un logo ne peut pas avoir.",
  'logo.svgStyleUrl': "Ce fichier SVG contient un style avec url() ou une importation, ce qu'un logo ne peut pas avoir.",
  'logo.svgFileRef': "Ce fichier SVG contient une référence à un autre fichier ({attr}=\"{value}\"), ce qu'un logo ne peut pas avoir.",
  'logo.svgScriptUrl': "Ce fichier SVG contient une adresse de script ou de données dans {attr}, ce qu'un logo ne peut pas avoir.",
  'garden.wildcard': "« {entry} » : les jokers ne sont pas admis. Indiquez chaque nom d'hôte, par exemple catalogue.library.example.",
  'garden.hostOnly': "« {entry} » : tapez seulement le nom d'hôte, sans http:// ni chemin, par exemple catalogue.library.example.",
  'garden.notSubnet': "« {entry} » : ce n'est pas un sous-réseau. Écrivez-le comme 192.0.2.0/24 ou 2001:db8::/48.",
  'garden.tooWide': "« {entry} » : ce sous-réseau est trop large (/{bits}) ; il laisserait les usagers atteindre une grande partie d'internet avant d'accepter les conditions. Utilisez /{min} ou plus étroit.",
  'garden.notNetwork': "« {entry} » : ce n'est pas un vrai réseau.",
  'garden.notAddress': "« {entry} » : ce n'est pas une vraie adresse.",
  'garden.notIp': "« {entry} » : ce n'est pas une adresse IP. Tapez quatre nombres de 0 à 255, comme 192.0.2.10.",
  'garden.notHost': "« {entry} » : ce n'est pas un nom d'hôte. Utilisez des lettres, des chiffres, des tirets et des points, comme catalogue.library.example.",
  'garden.tooMany': 'Il y a {n} entrées : {max} au plus peuvent être indiquées.',
};
