// Self-check quizzes marked on the server for readers without JavaScript. Nothing is kept: the
// answers arrive in the query string, are marked, shown, and forgotten.
import type { QuizQuestion } from './front-matter';

export type Mark = 'right' | 'wrong' | 'unanswered';

/** A marked quiz, shown to the reader and then forgotten. */
export interface QuizResult {
  /** The choice picked for each question (1-based), or undefined. */
  answers: (number | undefined)[];
  marks: Mark[];
  score: number;
  total: number;
}

/**
 * Reads q1…qN from a query. A question left blank is unanswered; a value that is not one of its
 * choices is refused, with the question's number.
 */
export function readAnswers(query: Record<string, unknown>, quiz: readonly QuizQuestion[]): { ok: true; answers: (number | undefined)[] } | { ok: false; question: number } {
  const answers: (number | undefined)[] = [];
  for (let i = 0; i < quiz.length; i++) {
    const raw = query[`q${i + 1}`];
    if (raw === undefined || raw === '') {
      answers.push(undefined);
      continue;
    }
    const n = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= 1 && n <= quiz[i]!.choices.length)) return { ok: false, question: i + 1 };
    answers.push(n);
  }
  return { ok: true, answers };
}

export function markQuiz(quiz: readonly QuizQuestion[], answers: readonly (number | undefined)[]): QuizResult {
  const marks = quiz.map((q, i): Mark => (answers[i] === undefined ? 'unanswered' : answers[i] === q.answer ? 'right' : 'wrong'));
  return { answers: [...answers], marks, score: marks.filter((m) => m === 'right').length, total: quiz.length };
}
