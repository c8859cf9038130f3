// Writes docs/verification-state-machine.mmd from the verification transition table.
//   node -r @swc-node/register -r tsconfig-paths/register scripts/generate-state-diagram.ts
// With --check it writes nothing and exits 1 when the file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderStateDiagram } from '../libs/verification/src/domain/verification.diagram';

const target = join(__dirname, '..', 'docs', 'verification-state-machine.mmd');
const diagram = renderStateDiagram();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // A missing file is out of date too.
  }
  if (current !== diagram) {
    console.error(`${target} is out of date: run scripts/generate-state-diagram.ts`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, diagram);
  console.log(`Wrote ${target}`);
}
