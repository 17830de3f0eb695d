// Los mensajes de las comprobaciones del logotipo y del jardín vallado en español (claves de en/settings-checks.ts).
import type { StaffCatalog } from '../types';

export const esSettingsChecks: StaffCatalog = {
  'logo.pngBroken': 'Este archivo PNG está dañado o incompleto. Expórtelo de nuevo desde su editor de imágenes y suba el archivo nuevo.',
  'logo.pngTooLarge': 'El logotipo mide {w} × {h} píxeles: que no pase de {max} píxeles de ancho ni de alto (unos cientos bastan).',
  'logo.svgNoRoot': 'Este archivo no es una imagen SVG: su primer elemento debería ser <svg xmlns="http://www.w3.org/2000/svg">. Suba un archivo PNG o SVG.',
  'logo.svgPlain': 'Guárdelo de nuevo como SVG simple (en Inkscape: «SVG optimizado»; en Illustrator: SVG con «Atributos de presentación»), o suba un PNG.',
  'logo.svgDoctype': 'Este archivo SVG contiene un DOCTYPE (entidades), que un logotipo no puede tener.',
  'logo.svgStylesheet': 'Este archivo SVG contiene una hoja de estilo externa, que un logotipo no puede tener.',
  'logo.svgElement': 'Este archivo SVG contiene un elemento <{name}>, que un logotipo no puede tener.',
  'logo.svgHandler': 'Este archivo SVG contiene un controlador de eventos ({attr}), que un logotipo no puede tener.',
  'logo.svgLink': 'Este archivo SVG contiene un enlace o una referencia externa ({attr}="{value}"), que un logotipo no puede tener.',
  'logo.svgExternal': 'Este archivo SVG contiene una referencia externa ({attr}), que un logotipo no puede tener.',
  'logo.svgStyleUrl': 'Este archivo SVG contiene un estilo con url() o una importación, que un logotipo no puede tener.',
  'logo.svgFileRef': 'Este archivo SVG contiene una referencia a otro archivo ({attr}="{value}"), que un logotipo no puede tener.',
  'logo.svgScriptUrl': 'Este archivo SVG contiene una dirección de script o de datos en {attr}, que un logotipo no puede tener.',
  'garden.wildcard': '«{entry}»: no se pueden usar comodines. Indique cada nombre de host, por ejemplo catalogue.library.example.',
  'garden.hostOnly': '«{entry}»: escriba solo el nombre de host, sin http:// ni ruta, por ejemplo catalogue.library.example.',
  'garden.notSubnet': '«{entry}»: no es una subred. Escríbala como 192.0.2.0/24 o 2001:db8::/48.',
  'garden.tooWide': '«{entry}»: esta subred es demasiado amplia (/{bits}); permitiría a los usuarios llegar a gran parte de internet antes de aceptar las condiciones. Use /{min} o más estrecha.',
  'garden.notNetwork': '«{entry}»: no es una red real.',
  'garden.notAddress': '«{entry}»: no es una dirección real.',
  'garden.notIp': '«{entry}»: no es una dirección IP. Escriba cuatro números del 0 al 255, como 192.0.2.10.',
  'garden.notHost': '«{entry}»: no es un nombre de host. Use letras, cifras, guiones y puntos, como catalogue.library.example.',
  'garden.tooMany': 'Hay {n} entradas: se pueden indicar {max} como máximo.',
};
