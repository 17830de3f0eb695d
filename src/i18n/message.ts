// The shape of one message in a catalogue: a string, or plural forms.

/** One form per plural category the language uses (Intl.PluralRules); `other` always. */
export type PluralForms = Readonly<Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }>;

/** A message is a string, or plural forms chosen by the number in its `n` placeholder. */
export type Message = string | PluralForms;

/** Messages by key, as the English catalogue and its parts hold them. */
export type Messages = Readonly<Record<string, Message>>;
