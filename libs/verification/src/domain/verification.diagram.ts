import { VERIFICATION_TRANSITIONS, type Transition } from './verification.transitions';

/**
 * The transition table as a Mermaid `stateDiagram-v2`: one arrow per pair of states,
 * labelled with the commands that take it. `docs/verification-state-machine.mmd` is this
 * text, written by `scripts/generate-state-diagram.ts`.
 */
export function renderStateDiagram(
  transitions: readonly Transition[] = VERIFICATION_TRANSITIONS,
): string {
  const arrows = new Map<string, { from: string; to: string; commands: string[] }>();
  for (const row of transitions) {
    for (const to of row.to) {
      const key = `${row.from} ${to}`;
      const arrow = arrows.get(key) ?? { from: row.from, to, commands: [] };
      if (!arrow.commands.includes(row.command)) arrow.commands.push(row.command);
      arrows.set(key, arrow);
    }
  }
  const lines = [
    '%% Generated from libs/verification/src/domain/verification.transitions.ts',
    '%% by scripts/generate-state-diagram.ts. Do not edit by hand.',
    'stateDiagram-v2',
    '    [*] --> not_started',
    ...[...arrows.values()].map(
      ({ from, to, commands }) => `    ${from} --> ${to} : ${commands.join(', ')}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
