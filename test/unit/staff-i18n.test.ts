// The staff console's catalogues: every language has every staff message, with the same
// placeholders and the plural forms it needs, none copied from English; English sentences the
// services write are read back into their messages; audit entries are worded in the reader's
// language, old English ones included.
import { staffEn, STAFF_CATALOGS, type StaffKey } from '../../src/i18n/staff/catalogue';
import { englishMatcher } from '../../src/i18n/staff/from-english';
import { staffTranslator } from '../../src/i18n/staff/translate';
import type { Message } from '../../src/i18n/message';
import type { Lang } from '../../src/i18n/languages';
import { describeCatalogueCompleteness } from '../helpers/catalogue-checks';
import { auditText, encodeAuditDetail } from '../../src/staff/audit-text';
import { staffLanguageTools } from '../../src/staff/staff-language';
import { enAudit } from '../../src/i18n/staff/en/audit';
import { enConsole } from '../../src/i18n/staff/en/console';
import { enDesk } from '../../src/i18n/staff/en/desk';
import { enDeskPrint } from '../../src/i18n/staff/en/desk-print';
import { enSettings } from '../../src/i18n/staff/en/settings';
import { enSettingsChecks } from '../../src/i18n/staff/en/settings-checks';
import { enFleet } from '../../src/i18n/staff/en/fleet';
import { enRules } from '../../src/i18n/staff/en/rules';
import { enStats } from '../../src/i18n/staff/en/stats';
import { enQueue } from '../../src/i18n/staff/en/queue';
import { enStoreAway } from '../../src/i18n/staff/en/store-away';

/** Messages that are rightly the same as in English in some language (symbols, units, codes). */
const SAME_AS_ENGLISH: Partial<Record<Lang, StaffKey[]>> = {
  es: ['error.code', 'policies.no', 'msg.dayProblem', 'ws.networkState', 'ws.portal'],
  fr: [
    ...['nav.label', 'nav.sessions', 'audit.action', 'audit.word.session', 'overview.session', 'sessions.title', 'sessions.session', 'sessions.zone'] as const,
    ...['passes.colMinutes', 'passes.actions', 'csv.code', 'csv.minutes', 'policies.session', 'stats.zone', 'csv.zone', 'fleet.agent', 'fleet.message', 'fleet.zone', 'common.minutes', 'desk.queue.colTicket', 'desk.queue.colActions'] as const,
  ],
  ar: ['msg.dayProblem'],
};

describeCatalogueCompleteness('staff messages', staffEn as Readonly<Record<StaffKey, Message>>, STAFF_CATALOGS, SAME_AS_ENGLISH);

describe('staff translator', () => {
  it('when a number fills a placeholder, then it is written the language\'s way and picks the plural form', () => {
    expect(staffTranslator('en')('notice.fixFields', { n: 1 })).toBe('Please correct the field marked below.');
    expect(staffTranslator('fr')('audit.passesCreate', { count: 1200, minutes: 30 })).toBe('a créé 1\u202f200 codes d’accès de 30 minutes');
    expect(staffTranslator('ar')('notice.fixFields', { n: 2 })).toBe('يُرجى تصحيح الحقلين المشار إليهما أدناه.');
  });

  it('when a key is a patron message (an error title), then the patron catalogue answers it', () => {
    expect(staffTranslator('es')('error.serverTitle')).not.toBe('error.serverTitle');
  });
});

describe('English sentences read back', () => {
  const match = englishMatcher(staffEn);
  const { tx } = staffLanguageTools();

  it('when a service wrote a message with parameters, then its key and parameters are found', () => {
    expect(match('There is no account named "zoe".')).toEqual({ key: 'msg.noAccount', vars: { name: 'zoe' } });
    expect(match('Use at most 200 characters.')).toEqual({ key: 'msg.passwordLong', vars: { n: '200' } });
    expect(match('Something no message says.')).toBeUndefined();
  });

  it('when a sentence is shown in another language, then it is translated; an unknown one is shown as written', () => {
    expect(tx.get('es')!('The account was added.')).toBe('Se ha añadido la cuenta.');
    expect(tx.get('ar')!('There is already an account named "sam".')).toBe('يوجد حساب باسم «sam» بالفعل.');
    expect(tx.get('fr')!('Not a message')).toBe('Not a message');
  });
});

describe('audit entries in the reader\'s language', () => {
  const { tx, translators } = staffLanguageTools();
  const read = (detail: string, lang: 'en' | 'es' | 'fr' | 'ar') => auditText(detail, translators.get(lang)!, tx.get(lang)!);

  it('when an entry is recorded, then it is stored as keys and parameters and read in each language', () => {
    const stored = encodeAuditDetail({ key: 'audit.passesCreateLabel', vars: { count: 2, minutes: 30, label: 'Job club' } });
    expect(stored).not.toMatch(/created/);
    expect(read(stored, 'en')).toBe('created 2 passes of 30 minutes labelled "Job club"');
    expect(read(stored, 'es')).toBe('creó 2 pases de 30 minutos con la etiqueta «Job club»');
  });

  it('when a parameter is itself a message key, then it is worded in the reader\'s language too', () => {
    const stored = encodeAuditDetail([{ key: 'audit.policyMinutes', vars: { whatKey: 'audit.word.session', from: 30, to: 20 } }, { key: 'audit.policyShortened', vars: { n: 1 } }]);
    expect(read(stored, 'en')).toBe('session 30 → 20 min; shortened 1 running sessions');
    expect(read(stored, 'es')).toBe('sesión 30 → 20 min; acortó 1 sesiones en curso');
  });

  it('when an old entry holds an English sentence, then it still shows: translated where it matches a message, as written otherwise', () => {
    expect(read('session 30 → 20 min; shortened 1 running sessions', 'fr')).toBe('session 30 → 20 min ; 1 sessions en cours raccourcies');
    expect(read("gave 30 minutes beyond today's allowance by a help code", 'ar')).toBe('منح 30 دقيقة تتجاوز رصيد اليوم برمز مساعدة');
    expect(read('did something long ago', 'es')).toBe('did something long ago');
    expect(read('{"msg":[["no.such.key"]]}', 'es')).toBe('{"msg":[["no.such.key"]]}');
  });
});

describe('the parts of the English catalogue', () => {
  it('when the parts are put together, then no key is defined in two of them (one would hide the other)', () => {
    const keys = [enAudit, enConsole, enDesk, enDeskPrint, enFleet, enRules, enSettings, enSettingsChecks, enStats, enQueue, enStoreAway].flatMap((part) => Object.keys(part));
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(keys).toHaveLength(Object.keys(staffEn).length);
  });
});
