// The digital-skills lessons: read once at start from content/<lang>/<id>.md and from the
// library's own content directory (which may add lessons or replace built-in ones). A bad file
// or a missing translation is reported with its file and line, and everything else still works.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import { LANGUAGES, SUPPORTED, isLang, type Lang } from '../i18n/languages';
import { parseLessonFile, type ContentProblem, type FrontMatter } from './front-matter';
import { markdownRenderer } from './markdown';

/** The built-in lessons shipped with Threshold. */
export const BUILTIN_CONTENT_DIR = path.join(__dirname, '..', '..', 'content');

/**
 * Values a lesson may use as {{name}}; they come from the running configuration at each request,
 * in the reader's language, so a lesson about this network says what this network really does.
 */
export const PLACEHOLDERS = ['library', 'session', 'daily', 'grace', 'keyDays', 'retention', 'minCell', 'auditRetention', 'auditPrecision', 'addressKey', 'forgotten', 'queueHold'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

const PLACEHOLDER = /\{\{\s*([A-Za-z]\w*)\s*\}\}/g;
const LESSON_FILE = /^([a-z0-9][a-z0-9-]{0,63})\.md$/;

/** One lesson in one language, as read from its file. */
export interface Lesson extends FrontMatter {
  id: string;
  lang: Lang;
  /** The body as HTML, with {{placeholders}} still in it. */
  html: string;
  file: string;
}

/** A lesson for a reader: in their language, or (`fallback`) in another one. */
export interface LessonView {
  lesson: Lesson;
  fallback: boolean;
}

export class LessonLibrary {
  constructor(
    private readonly lessons: ReadonlyMap<string, ReadonlyMap<Lang, Lesson>>,
    /** Everything that was wrong in the content, already logged. */
    readonly problems: readonly ContentProblem[],
  ) {}

  /** Every lesson id, in reading order. */
  ids(): string[] {
    const rank = (id: string) => this.pick(id, 'en')!.lesson;
    return [...this.lessons.keys()].sort((a, b) => rank(a).order - rank(b).order || a.localeCompare(b));
  }

  /** The lesson in `lang`, else in English, else in the first language it exists in. */
  get(id: string, lang: Lang): LessonView | undefined {
    return this.pick(id, lang);
  }

  list(lang: Lang): LessonView[] {
    return this.ids().map((id) => this.pick(id, lang)!);
  }

  /** The lesson after `id` in reading order. */
  next(id: string, lang: Lang): LessonView | undefined {
    const ids = this.ids();
    const i = ids.indexOf(id);
    return i === -1 || i === ids.length - 1 ? undefined : this.pick(ids[i + 1]!, lang);
  }

  private pick(id: string, lang: Lang): LessonView | undefined {
    const versions = this.lessons.get(id);
    if (!versions) return undefined;
    const own = versions.get(lang);
    if (own) return { lesson: own, fallback: false };
    for (const l of ['en', ...SUPPORTED] as Lang[]) {
      const other = versions.get(l);
      if (other) return { lesson: other, fallback: true };
    }
    return undefined;
  }
}

/**
 * Reads the lessons from each directory in turn (later ones add or replace lessons), checks
 * them and logs every problem as a warning.
 */
export function loadLessonLibrary(dirs: string[], logger?: Logger): LessonLibrary {
  const problems: ContentProblem[] = [];
  const lessons = new Map<string, Map<Lang, Lesson>>();
  const render = markdownRenderer();
  for (const dir of dirs) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      problems.push({ file: dir, line: 1, message: 'the content directory does not exist or is not a directory' });
      continue;
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (!isLang(entry.name)) {
        problems.push({ file: path.join(dir, entry.name), line: 1, message: `not a supported language; lessons go in one of ${SUPPORTED.join(', ')}` });
        continue;
      }
      const lang = entry.name;
      for (const name of fs.readdirSync(path.join(dir, lang)).sort()) {
        const file = path.join(dir, lang, name);
        if (!name.endsWith('.md')) continue;
        const m = LESSON_FILE.exec(name);
        if (!m) {
          problems.push({ file, line: 1, message: 'expected a file name of lower-case letters, digits and dashes, ending in .md' });
          continue;
        }
        const lesson = readLesson(file, m[1]!, lang, render, problems);
        if (!lesson) continue;
        let versions = lessons.get(lesson.id);
        if (!versions) lessons.set(lesson.id, (versions = new Map()));
        versions.set(lang, lesson);
      }
    }
  }
  problems.push(...missingTranslations(lessons));
  // "file, line N" rather than "file:N:", which the log redaction would take for an IPv6 address.
  for (const p of problems) logger?.warn({ file: p.file, line: p.line }, `lesson content: ${p.message} (${p.file}, line ${p.line})`);
  return new LessonLibrary(lessons, problems);
}

function readLesson(file: string, id: string, lang: Lang, render: (md: string) => string, problems: ContentProblem[]): Lesson | undefined {
  const parsed = parseLessonFile(file, fs.readFileSync(file, 'utf8'));
  if (!parsed.ok) {
    problems.push(...parsed.problems.map((p) => ({ ...p, message: `${p.message} (this file is skipped)` })));
    return undefined;
  }
  const { meta, body, bodyLine, lineOf } = parsed;
  // A {{name}} that is not a known value is shown as it is, and reported.
  const unknown = (s: string, line: number) => {
    for (const [, name] of s.matchAll(PLACEHOLDER)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(name!)) {
        problems.push({ file, line, message: `unknown placeholder {{${name}}}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}` });
      }
    }
  };
  body.split('\n').forEach((l, i) => unknown(l, bodyLine + i));
  unknown(meta.title, lineOf(['title']));
  unknown(meta.summary, lineOf(['summary']));
  meta.quiz.forEach((q, i) => [q.question, q.explanation, ...q.choices].forEach((s) => unknown(s, lineOf(['quiz', i]))));
  return { ...meta, id, lang, html: render(body), file };
}

function missingTranslations(lessons: Map<string, Map<Lang, Lesson>>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const [id, versions] of lessons) {
    const source = versions.get('en') ?? [...versions.values()][0]!;
    for (const lang of SUPPORTED) {
      if (versions.has(lang)) continue;
      problems.push({
        file: source.file,
        line: 1,
        message: `lesson "${id}" has no ${LANGUAGES[lang].name} (${lang}) version: add ${path.join(path.dirname(path.dirname(source.file)), lang, `${id}.md`)}; readers in that language get the ${source.lang} version meanwhile`,
      });
    }
  }
  return problems;
}

/** A lesson's text with its {{placeholders}} filled in; `escape` for HTML. */
export function fillPlaceholders(s: string, values: PlaceholderValues, escape?: (v: string) => string): string {
  return s.replace(PLACEHOLDER, (m, name: string) => (Object.hasOwn(values, name) ? (escape ? escape(values[name as Placeholder]) : values[name as Placeholder]) : m));
}

