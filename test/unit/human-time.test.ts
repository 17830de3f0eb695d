// Moments on patron pages in words: today, tomorrow, or the weekday and date, in the patron's language.
import { humanWhen } from '../../src/i18n/human-time';
import { translator } from '../../src/i18n/translate';

const NOW = Date.parse('2026-12-01T08:00:00Z'); // Tuesday

describe('humanWhen', () => {
  it('when the moment is later today, then it reads "today at HH:MM" in each language', () => {
    const at = Date.parse('2026-12-01T09:00:00Z');
    expect(humanWhen(translator('en'), 'en', at, NOW, 'UTC')).toBe('today at 09:00');
    expect(humanWhen(translator('es'), 'es', at, NOW, 'UTC')).toBe('hoy a las 09:00');
    expect(humanWhen(translator('fr'), 'fr', at, NOW, 'UTC')).toBe('aujourd’hui à 09:00');
    expect(humanWhen(translator('ar'), 'ar', at, NOW, 'UTC')).toBe('اليوم الساعة 09:00');
  });

  it('when the moment is tomorrow in the library\'s time zone, then it reads "tomorrow", even where UTC is still today', () => {
    // 23:30 UTC on Tuesday is 00:30 on Wednesday in Paris; the library is in Paris.
    expect(humanWhen(translator('en'), 'en', Date.parse('2026-12-01T23:30:00Z'), NOW, 'Europe/Paris')).toBe('tomorrow at 00:30');
    expect(humanWhen(translator('en'), 'en', Date.parse('2026-12-01T23:30:00Z'), NOW, 'UTC')).toBe('today at 23:30');
  });

  it('when the moment is further away, then it names the weekday and the date in the language', () => {
    const at = Date.parse('2026-12-03T10:00:00Z');
    expect(humanWhen(translator('en'), 'en', at, NOW, 'UTC')).toBe('Thursday, December 3 at 10:00');
    expect(humanWhen(translator('fr'), 'fr', at, NOW, 'UTC')).toBe('jeudi 3 décembre à 10:00');
    expect(humanWhen(translator('es'), 'es', at, NOW, 'UTC')).toBe('jueves, 3 de diciembre a las 10:00');
  });
});
