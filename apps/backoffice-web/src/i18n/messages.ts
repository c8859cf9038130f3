import en from './en.json';
import zhCN from './zh-CN.json';

/** The languages of the web app: zh-CN first (the default), English second. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

/** Every message's id. The zh-CN catalogue is the reference; a spec keeps en in step. */
export type MessageId = keyof typeof zhCN;
export type Catalogue = Record<MessageId, string>;

export const CATALOGUES: Record<Language, Catalogue> = { 'zh-CN': zhCN, en };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** For ids built at run time (from a code the API sends): true when the catalogue has it. */
export function isMessageId(id: string): id is MessageId {
  return Object.prototype.hasOwnProperty.call(zhCN, id);
}

/** Marks a literal as a message id, for tables of labels (the catalogue spec finds them). */
export function msg<Id extends MessageId>(id: Id): Id {
  return id;
}
