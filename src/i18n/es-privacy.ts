// Spanish strings of the privacy notice (/privacy); part of the catalogue in es.ts.
import type { PrivacyCatalog } from './catalogue';
export const esPrivacy: PrivacyCatalog = {
  'privacy.title': 'Aviso de privacidad',
  'privacy.lead': '{library} ofrece acceso gratuito a internet sin rastrear a nadie. Esta página se genera a partir de la configuración con la que funciona este portal ahora mismo.',
  'privacy.keptTitle': 'Qué guardamos y durante cuánto tiempo',
  'privacy.whileOnlineTitle': 'Mientras está conectado',
  'privacy.whileOnline':
    'Las direcciones de red de su dispositivo (la dirección IP y, cuando la red la ve, la dirección física MAC), porque el cortafuegos las necesita para dejarle pasar. ' +
    'Se guardan solo cifradas, con una clave que se sustituye cada {addressKey}. El registro de su sesión se borra cuando termina (como muy tarde {grace} después, para que un reinicio aún pueda cerrarle la puerta), y en los {forgotten} siguientes al final se destruye toda clave capaz de abrirlo: ninguna copia que quede, en un diario de la base de datos o en una copia de seguridad, puede leerla nadie, ni siquiera quien administra el sistema. ' +
    'Junto a ellas: en qué zona de la red está, cuándo empezó y cuándo termina su sesión, y el código de sesión corto que aparece en su pantalla.',
  'privacy.usageTitle': 'Tiempo usado hoy',
  'privacy.usage':
    'Para repartir el tiempo de forma justa, los minutos usados se cuentan por dispositivo y por día, con un código calculado a partir de la dirección de su dispositivo y una clave que existe durante {keyDays}: se destruye cuando el día termina. ' +
    'Nadie, ni siquiera el personal de la biblioteca o quien administra el sistema, puede relacionar el código de hoy con el de ayer. ' +
    'Los recuentos del día se borran en cuanto termina la última sesión que empezó ese día.',
  'privacy.backupsTitle': 'Copias de seguridad',
  'privacy.backups': 'Las claves nunca salen de esta pasarela: se guardan aparte de los datos y nunca van en una copia de seguridad. Una copia de seguridad de los datos de esta red no contiene ninguna dirección que nadie pueda leer.',
  'privacy.limitsTitle': 'Límites actuales',
  'privacy.zoneLimits': '{zone}: sesiones de hasta {session}, {daily} al día por dispositivo.',
  'privacy.zoneLimitsIdle': '{zone}: sesiones de hasta {session}, {daily} al día por dispositivo; una sesión sin tráfico durante {idle} termina.',
  'privacy.stats': 'Estadísticas',
  'privacy.statsBody':
    'Para sus informes, la biblioteca guarda solo totales por hora y por zona de la red: cuántas sesiones empezaron, cuántos minutos se usaron, el máximo de personas conectadas a la vez, ' +
    'cuántas veces se agotó el tiempo o la biblioteca estaba cerrada, y cuántas veces se abrieron las lecciones. Estos totales no contienen nada sobre ninguna persona y se guardan durante {retention}.',
  'privacy.never': 'Lo que nunca recogemos',
  'privacy.never1': 'los sitios web o direcciones que visita, ni sus consultas DNS;',
  'privacy.never2': 'lo que escribe, lee, descarga o envía;',
  'privacy.never3': 'su nombre, correo electrónico, teléfono o número de carné de la biblioteca;',
  'privacy.never4': 'el tipo de navegador o de dispositivo (agente de usuario);',
  'privacy.never5': 'qué lecciones lee, ni cómo responde a sus preguntas;',
  'privacy.never6': 'nada que permita seguir a su dispositivo de un día para otro.',
  'privacy.logs': 'Los registros del portal no contienen direcciones de red, direcciones de dispositivo, códigos diarios ni códigos de sesión. Todas las páginas las sirve la propia pasarela de la biblioteca: ninguna página de aquí carga nada de otro sitio web.',
  'privacy.rights': 'Sus derechos',
  'privacy.rightsBody': 'No tiene que dar ningún dato personal para usar este servicio. Si tiene preguntas sobre la privacidad, consulte al personal de la biblioteca: pueden explicarle este aviso y cómo funciona el servicio.',
  // Published figures, logs and staff records.
  'privacy.smallCells':
    'Ninguna cifra que publica la biblioteca (páginas de estadísticas, exportaciones, totales anuales o supervisión) se refiere a menos de {k} sesiones: una cifra menor se oculta y se muestra como «menos de {k}», y los totales solo suman las cifras mostradas, así que no se pueden restar para encontrar a una persona.',
  'privacy.auditTitle': 'Cuando el personal le ayuda',
  'privacy.audit':
    'Cuando el personal amplía o termina su sesión, el registro del personal anota quién lo hizo y en qué zona de la red, con una precisión de {precision}: nunca su código de sesión ni nada sobre su dispositivo. Se guarda durante {retention}. Un pase de acceso usado solo se marca como usado, sin decir por qué sesión ni cuándo.',
  'privacy.logCounts':
    'Los registros tampoco tienen una línea por sesión: cada {period} solo indican cuántas sesiones empezaron, se ampliaron y terminaron, cada número solo si llega al menos a {k}.',
  'privacy.controllerTitle': 'Quién es responsable y cómo preguntar o reclamar',
  'privacy.controller': '{controller} es responsable de este servicio y de los datos que aquí se describen (responsable del tratamiento).',
  'privacy.contact': 'Para cualquier pregunta sobre su privacidad aquí, contacte con {contact}.',
  'privacy.contactDesk': 'Para cualquier pregunta sobre su privacidad aquí, pregunte al personal de la biblioteca.',
  'privacy.complaint': 'Si no está satisfecho con la respuesta, puede presentar una reclamación ante {authority}.',
  'privacy.complaintDefault': 'Si no está satisfecho con la respuesta, puede presentar una reclamación ante la autoridad de protección de datos de su país.',
  // One device, one session; private (changing) MAC addresses.
  'privacy.devicesTitle': 'Las direcciones de su dispositivo y las direcciones Wi-Fi privadas',
  'privacy.devicesAddresses': 'Todas las direcciones de red que su dispositivo usa aquí (IPv4 e IPv6, incluidas las direcciones temporales que tome después) comparten una sola sesión y un solo tiempo diario, y terminan juntas.',
  'privacy.devicesPrivateMac': 'Muchos teléfonos y portátiles usan una dirección de hardware (MAC) privada para cada red Wi-Fi, y algunos la cambian de vez en cuando. Cuando la suya cambia, el portal ve un dispositivo nuevo: vuelve a ver la página de bienvenida, con un tiempo diario nuevo.',
  'privacy.devicesNoLink': 'Nada relaciona la nueva dirección de hardware con la anterior, tampoco para el personal de la biblioteca ni para el operador: el tiempo usado con la anterior no se puede encontrar a partir de la nueva, y la sesión anterior termina cuando se acaba su tiempo.',
  'privacy.devicesStaff': 'El personal puede ayudarle con el código de sesión que aparece en su pantalla: puede añadir tiempo a una sesión o terminarla, sin saber nada de su dispositivo.',
  // The kiosk queue (tickets and bookings).
  'privacy.queueTitle': 'Lista de espera para los ordenadores',
  'privacy.queue': 'Cuando toma un turno para un ordenador, o reserva uno, la lista de espera guarda solo su número, cuándo se tomó (y la hora reservada) y los códigos secretos de su página de turno y del ordenador, guardados solo como huellas (hashes): nunca un nombre, un teléfono, un correo electrónico ni nada sobre su dispositivo.',
  'privacy.queueDeleted': 'Un turno o una reserva se borra en cuanto se usa, se cancela o caduca su reserva de {hold}; pase lo que pase, no queda nada de él después de medianoche.',
  'privacy.queueStats': 'Las estadísticas solo cuentan cuántos turnos se tomaron, se atendieron y se abandonaron, y cuánto se esperó, por hora y zona de la red, y no publican ninguna cifra que describa menos de {k} turnos.',
};
