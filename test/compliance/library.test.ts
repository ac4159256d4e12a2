/**
 * Compliance of the library's constructs, in a representative app and in the example app.
 */
import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { InsecureCanary, TEST_ENV, compliantKey } from './fixtures';
import { findingsUnder, formatFindings, newApp, runCfnGuard, runNagPacks, under } from './harness';
import { buildRepresentativeApp } from './representative-app';
import { complianceSuite, libraryRoots } from './suite';
import { buildExampleApp } from '../../examples/app';
import * as lib from '../../src';

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

describe('connection audit: the CloudTrail and S3 rules judge its resources', () => {
  test('without a customer-managed key they flag the trail and the bucket; with one they are clean', () => {
    const build = (withKey: boolean) => {
      const app = newApp();
      const stack = new Stack(app, 'Audit', { env: TEST_ENV });
      const cluster = lib.SecureDsqlCluster.fromClusterIdentifier(stack, 'Db', 'abcdefghijklmnopqrstuvwxyz');
      const key = withKey ? compliantKey(stack, 'Key', 'Encrypts the connection audit') : undefined;
      const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
      const audit = cluster.addConnectionAudit('ConnectionAudit', { encryptionKey: key, alarmTopic: topic });
      const nag = runNagPacks(app, ['NIST.800.53.R5']);
      const guard = runCfnGuard(app, { services: ['S3', 'CloudTrail'], assembly: nag.assembly });
      const ids = [...findingsUnder(nag.errors, [audit.node.path]), ...findingsUnder(guard.failures, [audit.node.path])].map(f => f.ruleId);
      return ids.sort();
    };
    expect(build(false)).toEqual(expect.arrayContaining([
      'CT.CLOUDTRAIL.PR.1', 'CT.S3.PR.10', 'NIST.800.53.R5-CloudTrailEncryptionEnabled', 'NIST.800.53.R5-S3DefaultEncryptionKMS',
    ]));
    expect(build(true)).toEqual([]);
  });
});
