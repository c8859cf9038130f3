import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERIFICATION_COMMAND_TYPES } from './verification.commands';
import { renderStateDiagram } from './verification.diagram';
import { VERIFICATION_EVENT_TYPES } from './verification.events';
import { VERIFICATION_STATUSES, type VerificationStatus } from './verification.state';
import { findTransition, VERIFICATION_TRANSITIONS } from './verification.transitions';

const DIAGRAM_FILE = join(__dirname, '../../../../docs/verification-state-machine.mmd');

describe('verification transition table', () => {
  it('has one row per state and command', () => {
    const keys = VERIFICATION_TRANSITIONS.map((row) => `${row.from} ${row.command}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it('uses every command and every event type', () => {
    const commands = new Set(VERIFICATION_TRANSITIONS.map((row) => row.command));
    const events = new Set(VERIFICATION_TRANSITIONS.flatMap((row) => row.events));
    expect(VERIFICATION_COMMAND_TYPES.filter((type) => !commands.has(type))).toEqual([]);
    expect(VERIFICATION_EVENT_TYPES.filter((type) => !events.has(type))).toEqual([]);
  });

  it('reaches every state from not_started', () => {
    const reached = new Set<VerificationStatus>(['not_started']);
    for (let grew = true; grew;) {
      grew = false;
      for (const row of VERIFICATION_TRANSITIONS) {
        if (!reached.has(row.from)) continue;
        for (const to of row.to) {
          if (!reached.has(to)) {
            reached.add(to);
            grew = true;
          }
        }
      }
    }
    expect(VERIFICATION_STATUSES.filter((status) => !reached.has(status))).toEqual([]);
  });

  it('keeps rows that record nothing in their own state', () => {
    const moving = VERIFICATION_TRANSITIONS.filter(
      (row) => row.events.length === 0 && (row.to.length !== 1 || row.to[0] !== row.from),
    );
    expect(moving).toEqual([]);
  });

  it('finds the row of a state and command, and nothing for a step not allowed', () => {
    expect(findTransition('sms_pending', 'VerifySmsCode')?.to).toContain('authenticated');
    expect(findTransition('authenticated', 'SubmitIdentity')).toBeUndefined();
  });

  describe('state diagram', () => {
    it('is the committed docs/verification-state-machine.mmd (run scripts/generate-state-diagram.ts)', () => {
      expect(readFileSync(DIAGRAM_FILE, 'utf8')).toBe(renderStateDiagram());
    });

    it('is a Mermaid stateDiagram-v2 that shows every state and every command', () => {
      const diagram = renderStateDiagram();
      expect(diagram.split('\n')[2]).toBe('stateDiagram-v2');
      expect(diagram).toContain('[*] --> not_started');
      for (const status of VERIFICATION_STATUSES) expect(diagram).toContain(` ${status} `);
      for (const type of VERIFICATION_COMMAND_TYPES) expect(diagram).toContain(type);
    });

    it('draws one arrow per pair of states, listing each command once', () => {
      const diagram = renderStateDiagram([
        { from: 'sms_pending', command: 'VerifySmsCode', to: ['sms_pending'], events: [] },
        { from: 'sms_pending', command: 'ResendSmsCode', to: ['sms_pending'], events: [] },
        { from: 'sms_pending', command: 'ChangeBankCard', to: ['bank_card_required'], events: [] },
      ]);
      expect(diagram.split('\n').slice(4)).toEqual([
        '    sms_pending --> sms_pending : VerifySmsCode, ResendSmsCode',
        '    sms_pending --> bank_card_required : ChangeBankCard',
        '',
      ]);
    });
  });
});
