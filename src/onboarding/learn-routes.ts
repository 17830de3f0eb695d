// /learn: the digital-skills lessons, open to everyone before and after login (part of the
// walled garden). The server keeps nothing about who reads what; at most an hourly count of
// lesson views per zone, with no identifier, for the staff statistics.
import { Router, type Request, type Response } from 'express';
import { policySchema } from '../config/schema';
import type { Deps } from '../deps';
import { patronError } from '../http/errors';
import { LANGUAGES, type Lang } from '../i18n/languages';
import { keepLanguage } from '../i18n/middleware';
import { formatDuration, type Translate } from '../i18n/translate';
import { privacyFacts } from '../portal/privacy-facts';
import { fillPlaceholders, type LessonView, type PlaceholderValues } from './lesson-library';
import { escapeHtml } from './markdown';
import { markQuiz, readAnswers, type QuizResult } from './quiz';

const LESSON_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function learnRouter(deps: Deps): Router {
  const router = Router();

  router.get('/learn', async (req, res) => {
    const t = res.locals.t as Translate;
    const values = await placeholderValues(deps, req, t);
    res.render('onboarding/index', {
      lessons: deps.learn.list(res.locals.lang as Lang).map((v) => ({
        ...contentLang(v),
        id: v.lesson.id,
        title: fillPlaceholders(v.lesson.title, values),
        summary: fillPlaceholders(v.lesson.summary, values),
        readingTime: t('learn.readingTime', { time: formatDuration(t, v.lesson.minutes * 60) }),
        quizSize: t('learn.quizSize', { n: v.lesson.quiz.length }),
      })),
    });
  });

  router.get('/learn/:id', async (req, res) => {
    const view = findLesson(deps, req.params.id, res);
    await countView(deps, req);
    await renderLesson(deps, req, res, view);
  });

  router.get('/learn/:id/check', async (req, res) => {
    const view = findLesson(deps, req.params.id, res);
    const read = readAnswers(req.query, view.lesson.quiz);
    if (!read.ok) throw patronError(400, 'invalid_answer', 'error.quizAnswer', { vars: { n: read.question } });
    res.set('Cache-Control', 'no-store');
    await renderLesson(deps, req, res, view, markQuiz(view.lesson.quiz, read.answers));
  });

  return router;
}

function findLesson(deps: Deps, id: string | undefined, res: Response): LessonView {
  const view = id && LESSON_ID.test(id) ? deps.learn.get(id, res.locals.lang as Lang) : undefined;
  if (!view) throw patronError(404, 'not_found', 'error.noLesson');
  return view;
}

async function renderLesson(deps: Deps, req: Request, res: Response, view: LessonView, result?: QuizResult) {
  const t = res.locals.t as Translate;
  const lang = res.locals.lang as Lang;
  const { lesson } = view;
  const values = await placeholderValues(deps, req, t);
  const fill = (s: string) => fillPlaceholders(s, values);
  const next = deps.learn.next(lesson.id, lang);
  res.render('onboarding/lesson', {
    ...contentLang(view),
    fallback: view.fallback,
    originalName: LANGUAGES[lesson.lang].name,
    lesson: {
      id: lesson.id,
      title: fill(lesson.title),
      summary: fill(lesson.summary),
      html: localLinks(fillPlaceholders(lesson.html, values, escapeHtml), res.locals.chosenLang as Lang | undefined),
      readingTime: t('learn.readingTime', { time: formatDuration(t, lesson.minutes * 60) }),
    },
    quiz: lesson.quiz.map((q) => ({ question: fill(q.question), choices: q.choices.map(fill), answer: q.answer, explanation: fill(q.explanation) })),
    result,
    next: next && { id: next.lesson.id, title: fillPlaceholders(next.lesson.title, values) },
  });
}

/** A lesson shown in another language than the page's carries its own lang and dir. */
function contentLang(view: LessonView): { contentLang: Lang | undefined; contentDir: string | undefined } {
  return view.fallback ? { contentLang: view.lesson.lang, contentDir: LANGUAGES[view.lesson.lang].dir } : { contentLang: undefined, contentDir: undefined };
}

/** Links inside a lesson to the portal's own pages keep the reader's chosen language. */
function localLinks(html: string, lang: Lang | undefined): string {
  if (!lang) return html;
  return html.replace(/href="(\/(?!\/)[^"]*)"/g, (_m, href: string) => `href="${keepLanguage(href.replace(/&amp;/g, '&'), lang).replace(/&/g, '&amp;')}"`);
}

/** The running configuration's facts for {{placeholders}}, with the reader's zone's limits when known. */
async function placeholderValues(deps: Deps, req: Request, t: Translate): Promise<PlaceholderValues> {
  const facts = await privacyFacts(deps, t);
  const zone = deps.sessions.zones.zoneFor(deps.resolveClient(req).ip);
  const limits = facts.zones.find((z) => z.id === zone?.id) ?? facts.zones[0]!;
  return { library: facts.library, session: limits.session, daily: limits.daily, grace: facts.grace, keyDays: facts.keyDays, retention: facts.retention,
    minCell: facts.minCell, auditRetention: facts.auditRetention, auditPrecision: facts.auditPrecision, addressKey: facts.addressKey, forgotten: facts.forgotten,
    queueHold: facts.queueHold ?? formatDuration(t, policySchema.parse({}).holdMinutes * 60) };
}

/** One more view this hour in the reader's zone, if it is known. A failing count never hides a lesson. */
async function countView(deps: Deps, req: Request): Promise<void> {
  const zone = deps.sessions.zones.zoneFor(deps.resolveClient(req).ip);
  if (!zone) return;
  // Buffered and retried by the session counters while the store is away: it never fails.
  await deps.sessions.count(zone.id, { learnViews: 1 });
}

