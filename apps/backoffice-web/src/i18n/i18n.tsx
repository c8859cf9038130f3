import { useCallback, useEffect, type ReactNode } from 'react';
import { IntlProvider, useIntl, type IntlConfig } from 'react-intl';
import { chooseLanguage, useLanguage } from './language';
import {
  CATALOGUES,
  DEFAULT_LANGUAGE,
  isMessageId,
  LANGUAGES,
  type Language,
  type MessageId,
} from './messages';

export type Values = Record<string, string | number | boolean | null | undefined | Date>;
/** A message in the reader's language. */
export type Translate = (id: MessageId, values?: Values) => string;

/**
 * A message that is not in the catalogue, or that cannot be formatted. Said on the
 * console with a fixed prefix: the browser tests fail on any such line.
 */
export function reportUntranslated(what: string): void {
  console.error(`[i18n] ${what}`);
}

const onError: IntlConfig['onError'] = (error) => {
  const id = (error as { descriptor?: { id?: unknown } }).descriptor?.id;
  reportUntranslated(
    typeof id === 'string' ? `${error.code}: ${id}` : `${error.code}: ${error.message}`,
  );
};

/** The catalogue of the signed-in person's language around the whole app. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const language = useLanguage();
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = CATALOGUES[language]['app.title'];
  }, [language]);
  return (
    <IntlProvider
      locale={language}
      defaultLocale={DEFAULT_LANGUAGE}
      messages={CATALOGUES[language]}
      onError={onError}
    >
      {children}
    </IntlProvider>
  );
}

export function useT(): Translate {
  const intl = useIntl();
  return useCallback<Translate>((id, values) => intl.formatMessage({ id }, values), [intl]);
}

/**
 * The message for an id made from something the API sends (an event type, a reason
 * code); `fallback` when the catalogue has none, which is reported as untranslated.
 */
export function translateOr(t: Translate, id: string, fallback: string, values?: Values): string {
  if (isMessageId(id)) return t(id, values);
  reportUntranslated(`no message ${id}`);
  return fallback;
}

/** A switch between the languages, remembered for the signed-in person. */
export function LanguageSwitch({ className }: { className?: string }) {
  const language = useLanguage();
  const t = useT();
  return (
    <label className={className ? `language-switch ${className}` : 'language-switch'}>
      <span className="visually-hidden">{t('nav.language')}</span>
      <select
        value={language}
        onChange={(event) => chooseLanguage(event.target.value as Language)}
        aria-label={t('nav.language')}
        data-testid="language-switch"
      >
        {LANGUAGES.map((option) => (
          <option key={option} value={option} lang={option}>
            {t(`language.${option}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
