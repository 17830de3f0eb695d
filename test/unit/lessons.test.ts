// The lessons: the built-in content is complete in every language; bad content is reported with
// its file and line while the rest keeps working; Markdown is rendered safely.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { SUPPORTED } from '../../src/i18n/languages';
import { BUILTIN_CONTENT_DIR, loadLessonLibrary } from '../../src/onboarding/lesson-library';
import { markdownRenderer } from '../../src/onboarding/markdown';

const REQUIRED = ['public-wifi', 'this-network', 'passwords', 'scams', 'email', 'digital-rights'];

function tempContent(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-content-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const lesson = (title: string, extra = '') => `---
title: ${title}
summary: A short summary.
minutes: 3
quiz:
  - question: Is this a question?
    choices: [Yes, No]
    answer: 1
    explanation: It ends with a question mark.
${extra}---
Some **text**.
`;

describe('built-in lessons', () => {
  const library = loadLessonLibrary([BUILTIN_CONTENT_DIR]);

  it('when the built-in content is loaded, then nothing is reported: every lesson is valid and in every language', () => {
    expect(library.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
  });

  it('when the lessons are listed, then the six topics of the issue are there, each with a quiz', () => {
    expect(library.ids()).toEqual(expect.arrayContaining(REQUIRED));
    for (const id of library.ids()) {
      for (const lang of SUPPORTED) {
        const view = library.get(id, lang)!;
        expect([id, lang, view.fallback]).toEqual([id, lang, false]);
        expect(view.lesson.quiz.length).toBeGreaterThanOrEqual(3);
        // Real substance: several hundred words of text, not a stub.
        expect(view.lesson.html.replace(/<[^>]+>/g, '').split(/\s+/).length).toBeGreaterThan(250);
      }
    }
  });

  it('when a lesson is translated, then its quiz asks as many questions with the same right answers', () => {
    for (const id of library.ids()) {
      const answers = (lang: (typeof SUPPORTED)[number]) => library.get(id, lang)!.lesson.quiz.map((q) => `${q.answer}/${q.choices.length}`);
      for (const lang of SUPPORTED) expect([id, lang, answers(lang)]).toEqual([id, lang, answers('en')]);
    }
  });

  it('when the lesson about this network is read, then in every language it states the running limits and retention', () => {
    for (const lang of SUPPORTED) {
      const { lesson: l } = library.get('this-network', lang)!;
      for (const p of ['{{session}}', '{{daily}}', '{{grace}}', '{{keyDays}}', '{{retention}}', '{{library}}', '{{minCell}}', '{{auditRetention}}', '{{auditPrecision}}']) expect([lang, p, l.html.includes(p)]).toEqual([lang, p, true]);
    }
  });

  it('when lessons are rendered, then they carry no script, no inline style and no request to another host', () => {
    for (const id of library.ids()) {
      for (const lang of SUPPORTED) {
        const { html } = library.get(id, lang)!.lesson;
        expect(html).not.toMatch(/<script|style=|<img[^>]+src="(?!\/static\/)|<iframe/i);
      }
    }
  });
});

describe('lesson content from a library directory', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  function load(files: Record<string, string>) {
    const dir = tempContent(files);
    dirs.push(dir);
    const logs: string[] = [];
    const logger = createLogger('warn', new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }));
    return { dir, library: loadLessonLibrary([BUILTIN_CONTENT_DIR, dir], logger), logs };
  }

  it('when a file has invalid YAML, then the problem is logged with its file and line and the other lessons still work', () => {
    const bad = '---\ntitle: Broken\nsummary: ok\nquiz: [\n  - question: x\n---\nBody\n';
    const { dir, library, logs } = load({ 'en/broken.md': bad });
    const file = path.join(dir, 'en/broken.md');
    const problem = library.problems.find((p) => p.file === file)!;
    expect(problem.message).toMatch(/not valid YAML/);
    expect(problem.line).toBeGreaterThanOrEqual(4);
    expect(library.get('broken', 'en')).toBeUndefined();
    expect(library.ids()).toEqual(expect.arrayContaining(REQUIRED));
    const logged = logs.map((l) => JSON.parse(l) as { level: number; file: string; line: number; msg: string });
    expect(logged).toContainEqual(expect.objectContaining({ level: 40, file, line: problem.line, msg: expect.stringContaining(`(${file}, line ${problem.line})`) }));
  });

  it('when a field is wrong, then the line of that field is given with what was expected', () => {
    const text = lesson('Quiz with a wrong answer').replace('answer: 1', 'answer: 5');
    const { dir, library } = load({ 'en/wrong.md': text });
    const problem = library.problems.find((p) => p.file === path.join(dir, 'en/wrong.md'))!;
    expect(problem.line).toBe(text.split('\n').findIndex((l) => l.includes('answer: 5')) + 1);
    expect(problem.message).toMatch(/quiz\.0\.answer: expected the number of one of the choices/);
  });

  it('when a field is missing or unknown, then it is reported at the right place', () => {
    const text = lesson('No minutes').replace('minutes: 3\n', 'colour: red\n');
    const { dir, library } = load({ 'en/fields.md': text });
    const problems = library.problems.filter((p) => p.file === path.join(dir, 'en/fields.md'));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/minutes/);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/colour/);
  });

  it('when a file has no front matter, then line 1 says what a lesson file must start with', () => {
    const { library } = load({ 'en/plain.md': '# Just Markdown\n' });
    expect(library.problems.find((p) => p.file.endsWith('plain.md'))).toEqual(expect.objectContaining({ line: 1, message: expect.stringMatching(/start with front matter/) }));
  });

  it('when a lesson lacks a translation, then it is reported and readers of that language get the English one', () => {
    const { dir, library } = load({ 'en/local-news.md': lesson('Local news online'), 'es/local-news.md': lesson('Noticias locales') });
    const missing = library.problems.filter((p) => p.message.includes('"local-news"'));
    expect(missing.map((p) => p.message)).toEqual([expect.stringContaining('(fr)'), expect.stringContaining('(ar)')]);
    expect(missing[0]!.file).toBe(path.join(dir, 'en/local-news.md'));
    expect(library.get('local-news', 'fr')).toEqual({ lesson: expect.objectContaining({ lang: 'en', title: 'Local news online' }), fallback: true });
    expect(library.get('local-news', 'es')!.lesson.title).toBe('Noticias locales');
  });

  it('when the directory has a lesson with a built-in name, then it replaces the built-in one in that language', () => {
    const { library } = load({ 'en/passwords.md': lesson('Passwords at Riverside', 'order: 1\n') });
    expect(library.get('passwords', 'en')!.lesson.title).toBe('Passwords at Riverside');
    expect(library.ids()[0]).toBe('passwords');
    expect(library.get('passwords', 'es')!.lesson.title).toMatch(/Contraseñas/);
  });

  it('when a lesson uses an unknown placeholder or an unsupported language folder, then both are reported', () => {
    const text = lesson('Placeholders').replace('Some **text**.', 'Open {{openingHours}} today.');
    const { library } = load({ 'en/ph.md': text, 'es/ph.md': lesson('x'), 'fr/ph.md': lesson('x'), 'ar/ph.md': lesson('x'), 'de/ph.md': lesson('x') });
    expect(library.problems).toContainEqual(expect.objectContaining({ line: text.split('\n').indexOf('Open {{openingHours}} today.') + 1, message: expect.stringMatching(/unknown placeholder \{\{openingHours\}\}/) }));
    expect(library.problems).toContainEqual(expect.objectContaining({ file: expect.stringMatching(/de$/), message: expect.stringMatching(/not a supported language/) }));
  });

  it('when the content directory does not exist, then it is reported and the built-in lessons are served', () => {
    const library = loadLessonLibrary([BUILTIN_CONTENT_DIR, '/nonexistent/threshold-content']);
    expect(library.problems).toEqual([expect.objectContaining({ file: '/nonexistent/threshold-content', message: expect.stringMatching(/does not exist/) })]);
    expect(library.ids().length).toBeGreaterThanOrEqual(6);
  });
});

describe('Markdown rendering', () => {
  const render = markdownRenderer();

  it('when Markdown holds raw HTML, then it is shown as text, never run', () => {
    const html = render('Hello <script>alert(1)</script>\n\n<div style="color:red">x</div>');
    expect(html).not.toMatch(/<script|<div|style="/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('when links and images point elsewhere, then only safe links and local images are kept', () => {
    const html = render('[a](javascript:alert(1)) [b](https://example.org) [c](/privacy) ![d](https://tracker.example/p.gif) ![e](/static/img/x.png)');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://example.org" rel="noreferrer">b</a>');
    expect(html).toContain('<a href="/privacy">c</a>');
    expect(html).not.toContain('tracker.example');
    expect(html).toContain('<img src="/static/img/x.png" alt="e">');
  });

  it('when a lesson uses a top-level heading, then it becomes h2 under the page title', () => {
    expect(render('# Top\n\n### Third')).toMatch(/<h2>Top<\/h2>\n<h3>Third<\/h3>/);
  });
});
