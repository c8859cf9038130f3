import type { MessageId } from './messages';

// react-intl checks every message id the code names against the zh-CN catalogue.
declare global {
  namespace FormatjsIntl {
    interface Message {
      ids: MessageId;
    }
  }
}
