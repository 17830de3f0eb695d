// Staff passwords and user names: argon2id hashing and the rules a person is told about.
/** argon2 (a native module) is loaded at the first sign-in or new password, not at start. */
const argon2 = () => require('@node-rs/argon2') as typeof import('@node-rs/argon2');

/**
 * argon2id (the library's default algorithm) with OWASP's recommended minimum: 19 MiB, two
 * passes, one lane. About 30 ms on a small gateway: cheap for a sign-in, costly for a guesser.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
const USERNAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** What is wrong with a user name, for the person typing it; undefined when it is fine. */
export function usernameProblem(username: string): string | undefined {
  if (!username) return 'Enter a user name.';
  if (!USERNAME.test(username)) return 'Use 1 to 32 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.';
  return undefined;
}

/** What is wrong with a new password; undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters; a few words together make a good password.`;
  if (password.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  if (password.trim() !== password) return 'Do not start or end the password with a space.';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return argon2().hash(password, ARGON2);
}

/** True when the password matches the hash; false (never a throw) on a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await argon2().verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** The rule of a new password typed twice, for the forms that ask for one: the two must match. */
export const passwordsMatch = (v: { password: string; password2: string }): boolean => v.password === v.password2;
export const passwordsDiffer = () => ({ path: ['password2'], message: 'The two passwords are not the same. Type the same password twice.' });
