/**
 * The one list of warning ids (src/private/warnings.ts): every id is in the README's "Warnings" table and the
 * table lists no other; no source file spells a warning id outside the list.
 */
import * as fs from 'fs';
import * as path from 'path';
import { WARNING_IDS } from '../src/private/warnings';

const ROOT = path.join(__dirname, '..');
const ids = Object.values(WARNING_IDS);

function readmeWarningIds(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## Warnings\n')[1]?.split('\n## ')[0];
  expect(section).toBeDefined();
  return [...section!.matchAll(/^\| `(secure-dsql:[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

test('the README table lists exactly the ids of the one list', () => {
  expect([...readmeWarningIds()].sort()).toEqual([...ids].sort());
});

test('the ids are unique and of the form secure-dsql:<kebab-case>', () => {
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^secure-dsql:[a-z0-9]+(-[a-z0-9]+)*$/);
});

test('no source code spells a warning id (each comes from the list); doc comments name only ids of the list', () => {
  const others = ['secure-dsql:private-path']; // the private-path tag key, not a warning
  const spelled: string[] = [];
  const unknownInDocs: string[] = [];
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    if (file.endsWith(path.join('private', 'warnings.ts'))) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const comment = /^\s*(\*|\/\/|\/\*)/.test(line);
      for (const m of line.matchAll(/['"`](secure-dsql:[a-z0-9-]+)['"`]/g)) {
        if (others.includes(m[1])) continue;
        if (!comment) spelled.push(`${path.relative(ROOT, file)}: ${m[1]}`);
        else if (!ids.includes(m[1] as never)) unknownInDocs.push(`${path.relative(ROOT, file)}: ${m[1]}`);
      }
    }
  }
  expect(spelled).toEqual([]);
  expect(unknownInDocs).toEqual([]);
});
