/**
 * Compliance of the library's constructs, in a representative app and in the example app.
 */
import { Stack } from 'aws-cdk-lib';
import { InsecureCanary } from './fixtures';
import { findingsUnder, formatFindings, newApp, runNagPacks, under } from './harness';
import { buildRepresentativeApp } from './representative-app';
import { complianceSuite, libraryRoots } from './suite';
import { buildExampleApp } from '../../examples/app';

complianceSuite('representative app', () => {
  const r = buildRepresentativeApp(newApp());
  return { app: r.app, canary: r.canary };
});

complianceSuite('example app', () => {
  const app = buildExampleApp(newApp());
  const stack = app.node.children.find(Stack.isStack)!;
  return { app, canary: new InsecureCanary(stack, 'InsecureCanary') };
});

describe('representative app: coverage', () => {
  test('uses every construct exported from src/index.ts', () => {
    expect(buildRepresentativeApp(newApp()).notCovered).toEqual([]);
  });

  test('the library causes no finding on the user\'s own resources (key, client function, roles)', () => {
    const r = buildRepresentativeApp(newApp());
    const nag = runNagPacks(r.app);
    const excluded = under([...libraryRoots(r.app), r.canary.node.path, `${r.stack.node.path}/Network`]);
    const own = nag.errors.filter(f => !excluded(f.path));
    expect(formatFindings(own)).toBe('');
    // …and the check can fail: the same filter keeps the canary's findings when it is not excluded.
    const withCanary = under([...libraryRoots(r.app), `${r.stack.node.path}/Network`]);
    expect(nag.errors.filter(f => !withCanary(f.path)).length).toBeGreaterThan(0);
    expect(findingsUnder(nag.errors, [r.canary.node.path]).length).toBeGreaterThan(0);
  });
});
