import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUES, LANGUAGES } from './messages';

// The catalogues in CI: the same ids in every language, each message well formed with
// the same arguments, every id the code names present, every message used, and a label
// and a default message for every reason the API offers.

const SOURCE = join(__dirname, '..');
// The reasons the API offers, from the back office's domain (loaded, not type-checked
// with the web app's settings).
const { REASON_CODES } = jest.requireActual<{
  REASON_CODES: Record<string, readonly { code: string }[]>;
}>('../../../../libs/backoffice/src/domain/reason-codes');
const ids = Object.keys(CATALOGUES['zh-CN']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

const code = sourceFiles(SOURCE).map((path) => ({
  path: path.slice(SOURCE.length + 1),
  text: readFileSync(path, 'utf8'),
}));
// An id is a dotted name whose first part is one of the catalogue's: `'queue.refresh'`.
const namespaces = new Set(ids.map((id) => id.split('.')[0]));
const LITERAL = /(['"`])([A-Za-z][\w-]*(?:\.[\w-]+)+)\1/g;
// An id built at run time: `` `status.${status}` `` names every id that starts so.
const TEMPLATE = /`([A-Za-z][\w-]*\.[\w.-]*)\$\{/g;

const named = code.flatMap(({ path, text }) =>
  [...text.matchAll(LITERAL)]
    .map((match) => ({ path, id: match[2] }))
    .filter(({ id }) => namespaces.has(id.split('.')[0])),
);
const prefixes = code.flatMap(({ path, text }) =>
  [...text.matchAll(TEMPLATE)]
    .map((match) => ({ path, prefix: match[1] }))
    .filter(({ prefix }) => namespaces.has(prefix.split('.')[0])),
);

function argumentsOf(elements: MessageFormatElement[], found = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    found.add(element.value);
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      for (const option of Object.values(element.options)) argumentsOf(option.value, found);
    }
    if (element.type === TYPE.tag) argumentsOf(element.children, found);
  }
  return found;
}

describe('the web app’s message catalogues', () => {
  const translations = LANGUAGES.filter((language) => language !== 'zh-CN');
  it.each(translations.map((language) => [language]))(
    '%s has exactly the ids of zh-CN',
    (language) => {
      const theirs = Object.keys(CATALOGUES[language]);
      expect(ids.filter((id) => !theirs.includes(id))).toEqual([]);
      expect(theirs.filter((id) => !ids.includes(id))).toEqual([]);
    },
  );

  it('has no empty message', () => {
    const empty = LANGUAGES.flatMap((language) =>
      Object.entries(CATALOGUES[language])
        .filter(([, text]) => text.trim() === '')
        .map(([id]) => `${language} ${id}`),
    );
    expect(empty).toEqual([]);
  });

  it('has well-formed messages with the same arguments in every language', () => {
    const differing = ids.filter((id) => {
      const [first, ...others] = LANGUAGES.map((language) =>
        [...argumentsOf(parse(CATALOGUES[language][id as keyof typeof CATALOGUES.en]))].sort(),
      );
      return others.some((args) => JSON.stringify(args) !== JSON.stringify(first));
    });
    expect(differing).toEqual([]);
  });

  it('has every id the code names', () => {
    expect(named.filter(({ id }) => !ids.includes(id))).toEqual([]);
    expect(prefixes.filter(({ prefix }) => !ids.some((id) => id.startsWith(prefix)))).toEqual([]);
  });

  it('uses every message it has', () => {
    const used = (id: string): boolean =>
      named.some((name) => name.id === id) || prefixes.some(({ prefix }) => id.startsWith(prefix));
    expect(ids.filter((id) => !used(id))).toEqual([]);
  });

  it('labels every reason code the API offers, with a plain default message in each language', () => {
    const lacking = Object.entries(REASON_CODES).flatMap(([kind, reasons]) =>
      reasons.flatMap(({ code: reason }) =>
        ['label', 'message'].flatMap((part) => {
          const id = `reason.${kind}.${reason}.${part}`;
          return LANGUAGES.filter((language) => {
            const text = (CATALOGUES[language] as Record<string, string>)[id];
            // Default messages are sent as they stand: no arguments to fill in.
            return !text || (part === 'message' && argumentsOf(parse(text)).size > 0);
          }).map((language) => `${language} ${id}`);
        }),
      ),
    );
    expect(lacking).toEqual([]);
  });
});
