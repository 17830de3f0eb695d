// English strings of the privacy notice (/privacy); part of the catalogue in en.ts.
import type { Messages } from './message';
export const enPrivacy = {
  'privacy.title': 'Privacy notice',
  'privacy.lead': '{library} gives free internet access without tracking anyone. This page is generated from the settings this portal is running with right now.',
  'privacy.keptTitle': 'What we keep, and for how long',
  'privacy.whileOnlineTitle': 'While you are online',
  'privacy.whileOnline':
    'Your device\'s network addresses (IP address, and the hardware MAC address where the network sees it), because the firewall needs them to let you through. ' +
    'They are stored only encrypted, under a key that is replaced every {addressKey}. Your session\'s record is deleted when it ends (at the latest {grace} after, so a restart can still close the door behind you), and within {forgotten} of its end every key that could open it is destroyed: no copy left behind, in a database journal or a backup, can be read by anyone, the operator included. ' +
    'With them: which network area you are in, when your session started and ends, and the short session code shown on your screen.',
  'privacy.usageTitle': 'Time used today',
  'privacy.usage':
    'To share time fairly, minutes used are counted per device per day, under a code computed from your device\'s address with a key that exists for {keyDays}: it is destroyed when the day is over. ' +
    'Nobody, not even library staff or the operator, can link today\'s code to yesterday\'s. ' +
    'The day\'s counts are deleted as soon as the last session that began that day has ended.',
  'privacy.backupsTitle': 'Backups',
  'privacy.backups': 'The keys never leave this gateway: they are kept apart from the data and are never put in a backup. A backup of this network\'s data holds no address that anyone can read.',
  'privacy.limitsTitle': 'Current limits',
  'privacy.zoneLimits': '{zone}: sessions of up to {session}, {daily} a day per device.',
  'privacy.zoneLimitsIdle': '{zone}: sessions of up to {session}, {daily} a day per device; a session with no traffic for {idle} ends.',
  'privacy.stats': 'Statistics',
  'privacy.statsBody':
    'For its reports the library keeps only totals per hour and network area: how many sessions started, how many minutes were used, the most people online at once, ' +
    'how often time ran out or the library was closed, and how many times the lessons were opened. These totals contain nothing about any person, and are kept for {retention}.',
  'privacy.never': 'What we never collect',
  'privacy.never1': 'the websites or addresses you visit, and your DNS look-ups;',
  'privacy.never2': 'what you type, read, download or send;',
  'privacy.never3': 'your name, e-mail, phone number or library card number;',
  'privacy.never4': 'your browser or device type (user agent);',
  'privacy.never5': 'which lessons you read, or how you answered their questions;',
  'privacy.never6': 'anything that could follow your device from one day to the next.',
  'privacy.logs': 'The portal\'s logs contain no network address, device address, daily code or session code. Every page is served by the library\'s own gateway: no page here loads anything from another website.',
  'privacy.rights': 'Your rights',
  'privacy.rightsBody': 'You do not have to give any personal information to use this service. If you have questions about privacy, ask library staff; they can explain this notice and how the service works.',
  // Published figures, logs and staff records.
  'privacy.smallCells':
    'No figure the library publishes (its statistics pages, exports, yearly totals or monitoring) describes fewer than {k} sessions: a smaller figure is withheld and shown as "fewer than {k}", and totals count only the figures shown, so they cannot be subtracted to find one person.',
  'privacy.auditTitle': 'When staff help you',
  'privacy.audit':
    'When staff extend or end your session, the staff audit log records which staff member did it and in which network area, to the nearest {precision}: never your session code or anything about your device. It is kept for {retention}. A used access pass is only marked as used: not by which session or when.',
  'privacy.logCounts':
    'The logs have no line per session either: every {period} they give only how many sessions started, were extended and ended, each number only when it is at least {k}.',
  'privacy.controllerTitle': 'Who is responsible, and how to ask or complain',
  'privacy.controller': '{controller} is responsible for this service and for the data described here (the data controller).',
  'privacy.contact': 'For any question about your privacy here, contact {contact}.',
  'privacy.contactDesk': 'For any question about your privacy here, ask library staff.',
  'privacy.complaint': 'If you are not satisfied with the answer, you can complain to {authority}.',
  'privacy.complaintDefault': 'If you are not satisfied with the answer, you can complain to the data protection authority of your country.',
  // One device, one session; private (changing) MAC addresses.
  'privacy.devicesTitle': 'Your device\'s addresses, and private Wi-Fi addresses',
  'privacy.devicesAddresses': 'All the network addresses your device uses here (IPv4 and IPv6, including temporary addresses it takes later) share one session and one daily allowance, and they end together.',
  'privacy.devicesPrivateMac': 'Many phones and laptops use a private hardware (MAC) address for each Wi-Fi network, and some change it from time to time. When yours changes, the portal sees a new device: you get the welcome page again, with a new daily allowance.',
  'privacy.devicesNoLink': 'Nothing links the new hardware address to the old one, for library staff or the operator either: the time used under the old one cannot be found from the new one, and the old session ends when its time is up.',
  'privacy.devicesStaff': 'Staff can help with the session code shown on your screen: they can add time to a session or end it, without learning anything about your device.',
  // The kiosk queue (tickets and bookings).
  'privacy.queueTitle': 'Waiting list for computers',
  'privacy.queue': 'When you take a ticket for a computer, or book one, the waiting list keeps only its number, when it was taken (and the time booked), and the secret codes of your ticket page and of the computer, stored only as hashes: never a name, phone number, e-mail address or anything about your device.',
  'privacy.queueDeleted': 'A ticket or booking is deleted as soon as it is used, cancelled, or its hold of {hold} runs out; whatever happens, nothing of it is left after midnight.',
  'privacy.queueStats': 'The statistics count only how many tickets were taken, served and given up, and how long people waited, per hour and network area, and publish no figure that describes fewer than {k} tickets.',
} as const satisfies Messages;
