import { MessageCatalogue } from '../../i18n/message-catalogue';
import { PROBLEM_MESSAGES_EN } from './en';
import { PROBLEM_MESSAGES_ZH_CN, ProblemCode } from './zh-CN';

export type { ProblemCode };

/** The wording of every refusal code, one catalogue per language. */
export const PROBLEM_CATALOGUE = new MessageCatalogue<ProblemCode>({
  'zh-CN': PROBLEM_MESSAGES_ZH_CN,
  en: PROBLEM_MESSAGES_EN,
});
