import { readFileSync } from 'fs';
import { join } from 'path';
import { RULES } from '../../src/checks/rules';
import { SUPPRESSION_RULE } from '../../src/checks/suppressions';

test('the README rule table lists every rule, in order, at its level', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf-8');
  const start = readme.indexOf('## `DsqlSecurityChecks`');
  expect(start).toBeGreaterThan(-1);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const rows = [...section.matchAll(/^\| `(DSQL-[A-Z]\d+)` \| (warning|error|off) \|/gm)].map((m) => [m[1], m[2]]);
  expect(rows).toEqual([...RULES, SUPPRESSION_RULE].map((r) => [r.id, r.level]));
});

test('rule ids are unique and every rule has a one-line reason without a final period, and a fix', () => {
  const ids = RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const r of [...RULES, SUPPRESSION_RULE]) {
    expect(r.reason).not.toMatch(/\.$|\n/);
    expect(r.fix.length).toBeGreaterThan(10);
  }
});
