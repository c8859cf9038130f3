import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  APP_CONFIG,
  KeyedHash,
  maskCard,
  maskIdNumber,
  maskMobile,
  PiiVault,
  type AppConfig,
} from '@shiming/common';
import { DataSource } from 'typeorm';
import type { Sandbox } from './journey';

// What an attacker holding every key the service has could recover from what the
// service keeps: its database, its documents and its logs (DESIGN §5). Used to prove that
// an erased identity is gone, by looking for each of its values in every form the
// service could have written it in: in clear, masked, hashed (plain SHA-256, or keyed
// under the service's hash key for every purpose it uses), or encrypted under a data key
// that still exists.

export type ValueKind = 'idNumber' | 'name' | 'card' | 'mobile';

export interface Candidate {
  kind: ValueKind;
  value: string;
}

export interface Finding {
  candidate: Candidate;
  /** `table.column`, `logs`, or `documents`. */
  where: string;
  form: 'plain' | 'masked' | 'sha256' | 'keyed-hash' | 'ciphertext';
  /** For a ciphertext: the data-key subject that still opens it. */
  subjectId?: string;
}

// Every purpose the service hashes personal values or secrets under (KeyedHash).
const HASH_PURPOSES = ['id-number', 'sms-code', 'deposit-amount', 'sms-mobile'];

// The simulators stand for the outside parties (the authority, the bank, the SMS
// gateway), whose records are theirs, not the service's.
const OUTSIDE_TABLES = /^sandbox_/;

const CIPHERTEXT = /pii1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

export class PersonalDataScan {
  private readonly vault: PiiVault;
  private readonly keyed: KeyedHash;
  private readonly dataSource: DataSource;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly logs: readonly string[] = [],
  ) {
    this.vault = sandbox.app.get(PiiVault);
    this.keyed = new KeyedHash(sandbox.app.get<AppConfig>(APP_CONFIG).pii.hashKey);
    this.dataSource = sandbox.app.get(DataSource);
  }

  /** Every place where one of `candidates` can be recovered. */
  async find(candidates: readonly Candidate[]): Promise<Finding[]> {
    this.vault.clearCache();
    const findings: Finding[] = [];
    const texts = [
      ...(await this.storedTexts()),
      ...this.logs.map((text) => ({ where: 'logs', text })),
    ];
    const subjects = await this.liveSubjectsByKeyId();
    for (const { where, text } of texts) {
      for (const candidate of candidates) {
        for (const [form, shown] of formsOf(candidate, this.keyed)) {
          if (text.includes(shown)) findings.push({ candidate, where, form });
        }
      }
      for (const ciphertext of text.match(CIPHERTEXT) ?? []) {
        const subjectId = subjects.get(ciphertext.split('.')[1]);
        if (!subjectId) continue;
        const plain = await this.vault.decrypt(subjectId, ciphertext).catch(() => null);
        for (const candidate of candidates) {
          if (plain !== null && plain.includes(candidate.value)) {
            findings.push({ candidate, where, form: 'ciphertext', subjectId });
          }
        }
      }
    }
    return findings;
  }

  /** The documents whose files still open, with the subject whose key opens them. */
  async readableDocuments(): Promise<{ documentId: string; subjectId: string }[]> {
    const rows: { document_id: string; subject_id: string | null }[] = await this.dataSource.query(
      `SELECT document_id, subject_id FROM documents`,
    );
    const subjectOf = new Map(rows.map((row) => [row.document_id, row.subject_id]));
    const readable: { documentId: string; subjectId: string }[] = [];
    for (const path of await filesUnder(this.sandbox.documentsRoot)) {
      const documentId = basename(path);
      const subjectId = subjectOf.get(documentId);
      if (!subjectId) continue;
      const bytes = await readFile(path);
      const opened = await this.vault.decryptBytes(subjectId, bytes, documentId).catch(() => null);
      if (opened) readable.push({ documentId, subjectId });
    }
    return readable;
  }

  async documentFiles(): Promise<string[]> {
    return (await filesUnder(this.sandbox.documentsRoot)).map((path) => basename(path));
  }

  /** Every text-like value of every table of the service's own, with where it was found. */
  private async storedTexts(): Promise<{ where: string; text: string }[]> {
    const columns: { table_name: string; column_name: string }[] = await this.dataSource.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public'
          AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'character', 'uuid')`,
    );
    const texts: { where: string; text: string }[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      if (OUTSIDE_TABLES.test(table)) continue;
      const rows: { value: string | null }[] = await this.dataSource.query(
        `SELECT "${column}"::text AS value FROM "${table}" WHERE "${column}" IS NOT NULL`,
      );
      for (const row of rows) {
        if (row.value) texts.push({ where: `${table}.${column}`, text: row.value });
      }
    }
    return texts;
  }

  private async liveSubjectsByKeyId(): Promise<Map<string, string>> {
    const rows: { key_id: string; subject_id: string }[] = await this.dataSource.query(
      `SELECT key_id, subject_id FROM pii_data_keys WHERE shredded_at IS NULL`,
    );
    return new Map(rows.map((row) => [row.key_id, row.subject_id]));
  }
}

function formsOf(candidate: Candidate, keyed: KeyedHash): [Finding['form'], string][] {
  const { kind, value } = candidate;
  const forms: [Finding['form'], string][] = [
    ['plain', value],
    ['sha256', sha256(value)],
    ...HASH_PURPOSES.map((purpose): [Finding['form'], string] => [
      'keyed-hash',
      keyed.hash(purpose, value),
    ]),
  ];
  switch (kind) {
    case 'idNumber':
      forms.push(['masked', maskIdNumber(value)], ['keyed-hash', keyed.idNumberHash(value)]);
      break;
    case 'card':
      forms.push(['masked', maskCard(value)]);
      break;
    case 'mobile':
      forms.push(['masked', maskMobile(value)]);
      break;
    case 'name':
      // A masked name (`张*`) is one character: too common to tell anyone apart.
      break;
  }
  return forms;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
