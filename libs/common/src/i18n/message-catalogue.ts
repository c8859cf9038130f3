import { IntlMessageFormat } from 'intl-messageformat';
import { Locale, LOCALES } from './locale';

/** Values an ICU message may name: `{count, plural, …}`, `{dueAt}`. */
export type MessageParams = Record<string, string | number | Date>;

/** One language's messages: ICU MessageFormat text by id. */
export type Messages<Id extends string = string> = Readonly<Record<Id, string>>;

/**
 * A message catalogue with one set of messages per language, each an ICU message
 * (FormatJS `intl-messageformat`, the syntax the web app's catalogues use). Messages are
 * compiled once, on first use.
 */
export class MessageCatalogue<Id extends string = string> {
  private readonly compiled = new Map<string, IntlMessageFormat>();

  constructor(readonly messages: { readonly [L in Locale]: Messages<Id> }) {}

  has(id: string): id is Id {
    return LOCALES.every((locale) => Object.hasOwn(this.messages[locale], id));
  }

  ids(): Id[] {
    return Object.keys(this.messages['zh-CN']) as Id[];
  }

  /** The message in `locale`; a param the message names but `params` lacks is an error. */
  format(locale: Locale, id: Id, params: MessageParams = {}): string {
    const key = `${locale}\u0000${id}`;
    let message = this.compiled.get(key);
    if (!message) {
      const text = this.messages[locale][id];
      if (text === undefined) throw new Error(`No ${locale} message ${id}`);
      message = new IntlMessageFormat(text, locale);
      this.compiled.set(key, message);
    }
    return String(message.format(params));
  }
}
