import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import { NagSuppressions } from 'cdk-nag';
import { checkedStack, compliantCluster, findingsOf } from './support';
import { DsqlCheckLevel, DsqlSecurityChecks, SecureDsqlCluster } from '../../src';

/** A cluster whose DSQL-C4 finding (AWS-owned key; strict level, so the stacks here are strict) the tests suppress; they read DSQL-C4 only (C5 reports its missing audit too). */
function clusterWithAwsOwnedKey(s: Stack): dsql.CfnCluster {
  const c = compliantCluster(s);
  c.kmsEncryptionKey = undefined;
  return c;
}

const REASON = 'Throw-away test data; the security team accepts AWS-owned keys for this account.';

describe('suppressions in cdk-nag\'s metadata form', () => {
  test('a suppression with a reason hides the finding, and only on that resource', () => {
    const s = checkedStack({ strict: true });
    const suppressed = clusterWithAwsOwnedKey(s);
    const other = compliantCluster(s, 'Other');
    other.kmsEncryptionKey = undefined;
    suppressed.addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'DSQL-C4', reason: REASON }] });
    expect(findingsOf(s, 'DSQL-C4')).toEqual([expect.objectContaining({ path: '/Stack/Other' })]);
    expect(findingsOf(s, 'DSQL-S1')).toEqual([]);
  });

  test.each([false, true])('cdk-nag\'s NagSuppressions on an L2 (its default child) is honoured (suppressed: %s)', (suppress) => {
    const s = checkedStack({ strict: true });
    const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true } });
    if (suppress) NagSuppressions.addResourceSuppressions(cluster, [{ id: 'DSQL-C4', reason: REASON }]);
    expect(findingsOf(s, 'DSQL-C4')).toHaveLength(suppress ? 0 : 1);
  });

  test('the same list under the key secure_dsql is honoured too', () => {
    const s = checkedStack({ strict: true });
    clusterWithAwsOwnedKey(s).addMetadata('secure_dsql', { rules_to_suppress: [{ id: 'DSQL-C4', reason: REASON }] });
    expect(findingsOf(s, 'DSQL-C4')).toEqual([]);
  });

  test.each<[string, object, RegExp]>([
    ['no reason', { id: 'DSQL-C4' }, /no reason of at least 10 characters/],
    ['a reason shorter than 10 characters', { id: 'DSQL-C4', reason: '  ok, fine ' }, /no reason of at least 10 characters/],
    ['applies_to, which DSQL rules do not read', { id: 'DSQL-C4', reason: REASON, applies_to: ['x'] }, /applies_to/],
    ['an id of no rule', { id: 'DSQL-C9', reason: REASON }, /DSQL-C9 names no DSQL rule/],
    ['DSQL-S1 itself', { id: 'DSQL-S1', reason: REASON }, /DSQL-S1 cannot be suppressed/],
  ])('a suppression with %s is an error, and suppresses nothing', (_name, entry, detail) => {
    const s = checkedStack({ strict: true });
    clusterWithAwsOwnedKey(s).addMetadata('cdk_nag', { rules_to_suppress: [entry] });
    const errors = findingsOf(s, 'DSQL-S1');
    expect(errors).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Cluster' })]);
    expect(errors[0].message).toMatch(detail);
    expect(findingsOf(s, 'DSQL-C4')).toHaveLength(1);
  });

  test('suppressions of other packs (cdk-nag rule ids) are left alone', () => {
    const s = checkedStack({ strict: true });
    clusterWithAwsOwnedKey(s).addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-IAM4' }] });
    expect(findingsOf(s, 'DSQL-S1')).toEqual([]);
    expect(findingsOf(s, 'DSQL-C4')).toHaveLength(1);
  });

  test('logSuppressed reports a suppressed finding as info, with the reason', () => {
    const s = checkedStack({ logSuppressed: true, strict: true });
    clusterWithAwsOwnedKey(s).addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'DSQL-C4', reason: REASON }] });
    expect(findingsOf(s, 'DSQL-C4')).toEqual([expect.objectContaining({ level: 'info', message: expect.stringContaining(`[suppressed: ${REASON}]`) })]);
  });
});

describe('ruleLevels', () => {
  test('OFF turns a rule off', () => {
    const s = checkedStack({ ruleLevels: { 'DSQL-C4': DsqlCheckLevel.OFF } });
    clusterWithAwsOwnedKey(s);
    expect(findingsOf(s, 'DSQL-C4')).toEqual([]);
  });

  test('ERROR makes a warning rule fail the synth; WARNING makes an error rule a warning', () => {
    const s = checkedStack({ ruleLevels: { 'DSQL-C4': DsqlCheckLevel.ERROR, 'DSQL-C1': DsqlCheckLevel.WARNING } });
    const c = clusterWithAwsOwnedKey(s);
    c.deletionProtectionEnabled = false;
    expect(findingsOf(s, 'DSQL-C4')).toEqual([expect.objectContaining({ level: 'error' })]);
    expect(findingsOf(s, 'DSQL-C1')).toEqual([expect.objectContaining({ level: 'warning' })]);
  });

  test.each<[string, Record<string, any>, RegExp]>([
    ['an unknown rule id', { 'DSQL-X1': DsqlCheckLevel.OFF }, /ruleLevels names no rule "DSQL-X1"\. Use one of DSQL-C1, /],
    ['DSQL-S1', { 'DSQL-S1': DsqlCheckLevel.OFF }, /cannot change DSQL-S1/],
    ['a level that is not a DsqlCheckLevel', { 'DSQL-C1': 'fatal' }, /is not a DsqlCheckLevel \(got "fatal"\)/],
  ])('%s is refused', (_name, ruleLevels, message) => {
    expect(() => new DsqlSecurityChecks({ ruleLevels })).toThrow(message);
  });
});

test('each resource is reported once, however often the aspect meets it', () => {
  const app = new App();
  const checks = new DsqlSecurityChecks({ strict: true });
  Aspects.of(app).add(checks);
  const s = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  clusterWithAwsOwnedKey(s);
  checks.visit(s.node.findChild('Cluster'));
  expect(findingsOf(s, 'DSQL-C4')).toHaveLength(1);
});
