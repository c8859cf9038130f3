import { useState, type FormEvent } from 'react';
import type { CaseSearchTerm, SearchBy } from '../api/queries';
import { useT } from '../i18n/i18n';
import { detectSearchBy } from './search-terms';

const SEARCH_KINDS: SearchBy[] = ['caseId', 'accountId', 'idNumber', 'mobile'];

/**
 * The search box: a case id, an account id, an ID number or a mobile, detected from what
 * is typed or chosen. An ID number or a mobile stays in this page's memory, never in
 * the address, and each search by one is recorded by the API.
 */
export function CaseSearchBar({
  term,
  onSearch,
}: {
  term: CaseSearchTerm | null;
  onSearch: (term: CaseSearchTerm | null) => void;
}) {
  const t = useT();
  const [value, setValue] = useState(term?.value ?? '');
  const [chosen, setChosen] = useState<SearchBy | 'auto'>('auto');
  const by = chosen === 'auto' ? detectSearchBy(value) : chosen;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const trimmed = value.trim();
    onSearch(trimmed ? { by, value: trimmed } : null);
  };

  return (
    <form className="search-bar" role="search" onSubmit={submit} data-testid="case-search">
      <label className="inline-field">
        <span className="visually-hidden">{t('search.by')}</span>
        <select
          value={chosen}
          onChange={(event) => setChosen(event.target.value as SearchBy | 'auto')}
          data-testid="case-search-by"
        >
          <option value="auto">{t('search.by.auto', { detected: t(`search.by.${by}`) })}</option>
          {SEARCH_KINDS.map((option) => (
            <option key={option} value={option}>
              {t(`search.by.${option}`)}
            </option>
          ))}
        </select>
      </label>
      <input
        type="search"
        value={value}
        onChange={(event) => setValue(event.target.value)}
        placeholder={t('search.placeholder')}
        aria-label={t('search.label')}
        autoComplete="off"
        spellCheck={false}
        data-testid="case-search-input"
        data-detected={by}
      />
      <button type="submit" className="button" data-testid="case-search-submit">
        {t('search.submit')}
      </button>
      {term && (
        <button
          type="button"
          className="button ghost"
          onClick={() => {
            setValue('');
            onSearch(null);
          }}
          data-testid="case-search-clear"
        >
          {t('search.clear')}
        </button>
      )}
      {(by === 'idNumber' || by === 'mobile') && (
        <span className="muted small" data-testid="case-search-recorded">
          {t('search.recorded')}
        </span>
      )}
    </form>
  );
}
