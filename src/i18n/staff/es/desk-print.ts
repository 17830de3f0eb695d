// Las páginas del pase de mostrador en español (claves de en/desk-print.ts).
import type { StaffCatalog } from '../types';

export const esDeskPrint: StaffCatalog = {
  'deskPrint.title': 'Imprimir un pase de mostrador',
  'deskPrint.intro': 'Un pase de mostrador da a un usuario tiempo extra hoy, aunque ya haya agotado su tiempo del día. Imprímalo para un usuario que no puede mostrarle un código de ayuda en un teléfono, o que lo pide en el mostrador.',
  'deskPrint.once': 'Sirve una sola vez, en cualquier wifi u ordenador público de la biblioteca, hasta la medianoche de hoy ({time}). Mañana ya no sirve.',
  'deskPrint.where': 'El usuario escribe su código en la página de bienvenida (en «{ask}»), en la página de «tiempo agotado» o en el recuadro de pase cuando la red lo pide.',
  'deskPrint.session': 'La sesión termina al acabar la duración de sesión de la zona y a la hora de cierre, como cualquier sesión.',
  'deskPrint.sessionCap': 'La sesión termina al acabar la duración de sesión de la zona y a la hora de cierre, como cualquier sesión: aquí, {cap} minutos como máximo.',
  'deskPrint.privacy': 'El código se muestra una sola vez, en la hoja para imprimir. Threshold solo guarda un hash con clave, y el registro de auditoría indica cuántos pases imprimió, nunca para quién.',
  'deskPrint.minutes': 'Minutos de cada pase',
  'deskPrint.minutesHelp': 'De {min} a {max}.',
  'deskPrint.count': 'Número de pases de mostrador',
  'deskPrint.countHelp': 'De 1 a {max}: uno por usuario.',
  'deskPrint.submit': 'Imprimir el pase de mostrador',
  'deskPrint.countWrong': 'Indique cuántos pases de mostrador imprimir, de 1 a {max}.',
  'deskPrint.minutesWrong': 'Indique los minutos que da cada pase de mostrador, de {min} a {max}.',
  'deskPrint.label': 'Pase de mostrador',
  'deskSheet.title': 'Pases de mostrador para imprimir',
  'deskSheet.heading': { one: 'Imprima este pase de mostrador ahora', other: 'Imprima estos {n} pases de mostrador ahora' },
  'deskSheet.once': {
    one: 'Es la única vez que se muestra este código: Threshold solo guarda su hash. Imprima la hoja antes de salir de esta página, recorte cada pase y entréguelo al usuario.',
    other: 'Es la única vez que se muestran estos códigos: Threshold solo guarda sus hashes. Imprima la hoja antes de salir de esta página, recorte cada pase y entréguelo al usuario.',
  },
  'deskSheet.capped': 'Ninguna zona da más de {cap} minutos por sesión, así que cada pase de mostrador da {minutes} minutos, no {asked}: las tarjetas dicen {minutes}.',
  'deskSheet.another': 'Imprimir otro pase de mostrador',
  'deskSheet.list': 'Pases de mostrador',
  'deskSheet.passTitle': 'Pase de mostrador: tiempo extra hoy',
  'deskSheet.terms': '{minutes} minutos · un solo uso · solo hoy, hasta las {time}',
};
