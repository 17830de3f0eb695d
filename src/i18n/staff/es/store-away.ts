// La consola del personal en español mientras el almacén compartido no responde (claves de en/store-away.ts).
import type { StaffCatalog } from '../types';

export const esStoreAway: StaffCatalog = {
  'away.title': 'El almacén compartido no responde',
  'away.what': 'Esta pasarela no puede llegar ahora al almacén compartido del sistema de bibliotecas (puede estar reiniciándose, cambiando de servidor o sin espacio en disco), así que la consola no puede mostrar ni cambiar sesiones, pases, reglas ni cuentas.',
  'away.works': 'Los usuarios siguen entrando en esta sede: la wifi y los ordenadores públicos siguen funcionando con lo que esta pasarela sabe, y ella guarda sus sesiones en el almacén cuando vuelve.',
  'away.cannot': 'No se pueden guardar cambios hasta que vuelva el almacén.',
  'away.nothingSaved': 'No se guardó nada: lo que acaba de enviar no se aplicó. Cuando la consola vuelva, compruebe la sesión o los pases e inténtelo de nuevo.',
  'away.maybeSaved': 'El almacén dejó de responder mientras se guardaba su cambio, así que puede que se haya guardado o no (nunca solo una parte). Cuando la consola vuelva, compruebe la sesión o los pases antes de intentarlo de nuevo.',
  'away.retry': 'Esta página vuelve a intentarlo sola cada {seconds} segundos.',
  'away.retryNow': 'Intentarlo ahora',
  'away.it': 'Si dura más de unos minutos, avise al servicio informático de la biblioteca: puede que el almacén compartido (Redis) esté caído.',
  'away.json': 'El almacén compartido del sistema de bibliotecas no responde, así que ahora no se puede mostrar ni guardar nada (no se guardó nada). Los usuarios siguen entrando en esta sede. Inténtelo de nuevo dentro de {seconds} segundos.',
};
