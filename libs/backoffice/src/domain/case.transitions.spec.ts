import { CASE_COMMAND_SOURCES, CASE_COMMAND_TYPES } from './case.commands';
import { CASE_EVENT_TYPES } from './case.events';
import { CASE_STATUSES, type CaseStateStatus } from './case.state';
import { CASE_TRANSITIONS, findCaseTransition } from './case.transitions';

describe('case transition table', () => {
  it('has one row per status and command', () => {
    const keys = CASE_TRANSITIONS.map((row) => `${row.from} ${row.command}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it('uses every command and every event type', () => {
    const commands = new Set(CASE_TRANSITIONS.map((row) => row.command));
    const events = new Set(CASE_TRANSITIONS.flatMap((row) => row.events));
    expect(CASE_COMMAND_TYPES.filter((type) => !commands.has(type))).toEqual([]);
    expect(CASE_EVENT_TYPES.filter((type) => !events.has(type))).toEqual([]);
  });

  it('reaches every status from none', () => {
    const reached = new Set<CaseStateStatus>(['none']);
    for (let grew = true; grew;) {
      grew = false;
      for (const row of CASE_TRANSITIONS) {
        if (!reached.has(row.from)) continue;
        for (const to of row.to) {
          if (!reached.has(to)) {
            reached.add(to);
            grew = true;
          }
        }
      }
    }
    expect(CASE_STATUSES.filter((status) => !reached.has(status))).toEqual([]);
  });

  it('lets only the system open a case, and staff only read a decided one', () => {
    expect(CASE_TRANSITIONS.filter((row) => row.from === 'none')).toEqual([
      { from: 'none', command: 'OpenCase', to: ['open'], events: ['CaseOpened'] },
    ]);
    const afterDecision = CASE_TRANSITIONS.filter((row) => row.from === 'decided');
    expect(afterDecision.map((row) => row.command)).toEqual(['ViewDocument', 'RevealPersonalData']);
    expect(afterDecision.every((row) => row.to.length === 1 && row.to[0] === 'decided')).toBe(true);
  });

  it('has every status record what staff read in it', () => {
    for (const status of CASE_STATUSES.filter((s) => s !== 'none')) {
      expect(findCaseTransition(status, 'ViewDocument')?.events).toEqual(['DocumentViewed']);
      expect(findCaseTransition(status, 'RevealPersonalData')?.events).toEqual([
        'PersonalDataRevealed',
      ]);
    }
  });

  it('finds the row of a status and command, and nothing for a step not allowed', () => {
    expect(findCaseTransition('claimed', 'DecideCase')?.to).toContain('awaiting_approval');
    expect(findCaseTransition('open', 'DecideCase')).toBeUndefined();
    // The SLA is paused while the user uploads again: nothing to escalate.
    expect(findCaseTransition('awaiting_user', 'EscalateCase')).toBeUndefined();
  });

  it('names who gives each command', () => {
    const system = CASE_COMMAND_TYPES.filter((type) => CASE_COMMAND_SOURCES[type] === 'system');
    expect(system).toEqual([
      'OpenCase',
      'AddDocuments',
      'ConfirmDeadline',
      'EscalateCase',
      'LapseClaim',
    ]);
  });
});
