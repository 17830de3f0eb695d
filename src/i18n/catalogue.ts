// The catalogue types: every language's messages keyed like the English ones (en.ts), and its
// parts (lessons, privacy notice) keyed like the English parts.
import type { MessageKey } from './en';
import type { enLearn } from './en-learn';
import type { enPrivacy } from './en-privacy';
import type { Message } from './message';

export type { MessageKey } from './en';
export type { Message, PluralForms } from './message';

/** A language's messages, keyed like the English ones. A missing key falls back to English. */
export type Catalog = Partial<Record<MessageKey, Message>>;

/** A language's strings of the digital-skills lessons (/learn), keyed like en-learn.ts. */
export type LearnCatalog = Partial<Record<keyof typeof enLearn, Message>>;

/** A language's strings of the privacy notice (/privacy), keyed like en-privacy.ts. */
export type PrivacyCatalog = Partial<Record<keyof typeof enPrivacy, Message>>;
