// Splits a lesson file into its YAML front matter and Markdown body and checks the front matter,
// reporting every problem with the file and the line it is on.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'expected some text').max(max, `expected at most ${max} characters`);

export const quizQuestionSchema = z
  .object({
    question: text(400),
    choices: z.array(text(300)).min(2, 'expected at least 2 choices').max(6, 'expected at most 6 choices'),
    /** The right choice, counted from 1. */
    answer: z.number().int().min(1, 'expected the number of the right choice, 1 for the first'),
    explanation: text(1000),
  })
  .strict()
  .refine((q) => q.answer <= q.choices.length, { path: ['answer'], message: 'expected the number of one of the choices (1 for the first)' });

export const frontMatterSchema = z
  .object({
    title: text(120),
    summary: text(300),
    /** Lessons are listed by `order`, then by file name. */
    order: z.number().int().min(0).max(10000).default(100),
    /** Reading time, in minutes. */
    minutes: z.number().int().min(1).max(120),
    quiz: z.array(quizQuestionSchema).min(1, 'expected at least one question').max(10, 'expected at most 10 questions'),
  })
  .strict();

export type FrontMatter = z.infer<typeof frontMatterSchema>;
export type QuizQuestion = FrontMatter['quiz'][number];

/** Something wrong in a content file, where a person can find it. */
export interface ContentProblem {
  file: string;
  /** 1-based line in `file`. */
  line: number;
  message: string;
}

export type ParsedLesson =
  | { ok: true; meta: FrontMatter; body: string; bodyLine: number; lineOf: (path: (string | number)[]) => number }
  | { ok: false; problems: ContentProblem[] };

const FENCE = /^(---|\.\.\.)\s*$/;

export function parseLessonFile(file: string, source: string): ParsedLesson {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!/^---\s*$/.test(lines[0] ?? '')) {
    return fail(file, 1, 'expected the file to start with front matter: a line "---", the YAML settings (title, summary, minutes, quiz), and another "---"');
  }
  const end = lines.findIndex((l, i) => i > 0 && FENCE.test(l));
  if (end === -1) return fail(file, 1, 'the front matter is not closed: add a line "---" after the YAML settings');
  const yamlText = lines.slice(1, end).join('\n');
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: true });
  // Front matter starts on line 2 of the file.
  const toFileLine = (offset: number) => counter.linePos(offset).line + 1;
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({ file, line: toFileLine(e.pos[0]), message: `the front matter is not valid YAML: ${firstLine(e.message)}` })),
    };
  }
  const lineOf = (path: (string | number)[]) => nodeLine(doc, path, toFileLine);
  const parsed = frontMatterSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => {
        const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        return { file, line: lineOf(path), message: `${path.join('.') || 'front matter'}: ${i.message}` };
      }),
    };
  }
  const body = lines.slice(end + 1).join('\n');
  if (!body.trim()) return fail(file, end + 2, 'the lesson has no text after its front matter');
  return { ok: true, meta: parsed.data, body, bodyLine: end + 2, lineOf };
}

/** The line of the deepest node on `path` that exists (a missing key points at its parent). */
function nodeLine(doc: Document, path: (string | number)[], toFileLine: (offset: number) => number): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return toFileLine(range[0]);
  }
  return 2;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function fail(file: string, line: number, message: string): ParsedLesson {
  return { ok: false, problems: [{ file, line, message }] };
}
