import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { checkedStack, compliantCluster, dsqlFindings, findingsOf, vpc } from './support';
import { DsqlCheckLevel, SecureDsqlCluster } from '../../src';

const CONNECT = ['dsql:DbConnect', 'dsql:DbConnectAdmin'];
const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const denyEveryone = (condition: object, actions: string[] = CONNECT) =>
  ({ Effect: 'Deny', Principal: { AWS: '*' }, Action: actions, Resource: '*', Condition: condition });

describe('DSQL-C1 cluster without deletion protection', () => {
  test.each([
    ['not set', undefined],
    ['false', false],
  ])('non-compliant: DeletionProtectionEnabled %s', (_name, value) => {
    const s = checkedStack();
    const c = compliantCluster(s);
    c.deletionProtectionEnabled = value;
    const found = findingsOf(s, 'DSQL-C1');
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Cluster' })]);
    expect(found[0].message).toMatch(/^\[DSQL-C1\] .+\. Fix: Set DeletionProtectionEnabled to true/);
  });

  test('compliant: DeletionProtectionEnabled true', () => {
    const s = checkedStack();
    compliantCluster(s);
    expect(findingsOf(s, 'DSQL-C1')).toEqual([]);
  });

  test('non-compliant: a SecureDsqlCluster with deletionProtection: false (accepted by the library, reported here)', () => {
    const s = checkedStack();
    new SecureDsqlCluster(s, 'Db', { deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY });
    expect(findingsOf(s, 'DSQL-C1')).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Db/Resource' })]);
  });
});

describe('DSQL-C2 cluster without a restricting resource policy', () => {
  test.each<[string, object | undefined, RegExp]>([
    ['no policy at all', undefined, /no PolicyDocument/],
    ['only an Allow (an Allow restricts nothing in the same account)', policy({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: CONNECT,
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-0123456789abcdef0' } },
    }), /covers dsql:DbConnect and dsql:DbConnectAdmin/],
    ['a Deny that leaves DbConnectAdmin open', policy(denyEveryone({ Null: { 'aws:SourceVpc': 'true' } }, ['dsql:DbConnect'])), /covers dsql:DbConnectAdmin\)/],
    ['a Deny on a key that connections never carry', policy(denyEveryone({ StringNotEquals: { 'aws:Referer': 'x' } })), /covers/],
    ['a Deny that binds one role only', policy({ ...denyEveryone({ Null: { 'aws:SourceVpc': 'true' } }), Principal: { AWS: 'arn:aws:iam::123456789012:role/a' } }), /covers/],
  ])('non-compliant: %s', (_name, doc, detail) => {
    const s = checkedStack();
    const c = compliantCluster(s);
    c.policyDocument = doc ? JSON.stringify(doc) : undefined;
    const found = findingsOf(s, 'DSQL-C2');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Cluster' })]);
    expect(found[0].message).toMatch(detail);
  });

  test.each<[string, object]>([
    ['block public access (Null aws:SourceVpc)', policy(denyEveryone({ Null: { 'aws:SourceVpc': 'true' } }))],
    ['a principal allow-list', policy(denyEveryone({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/app' } }))],
    ['an organization perimeter, one statement per action', policy(
      denyEveryone({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } }, ['dsql:DbConnect']),
      denyEveryone({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } }, ['dsql:DbConnectAdmin']),
    )],
    ['a Deny on dsql:*', policy(denyEveryone({ NotIpAddressIfExists: { 'aws:SourceIp': '203.0.113.0/24' } }, ['dsql:*']))],
  ])('compliant: %s', (_name, doc) => {
    const s = checkedStack();
    compliantCluster(s, 'Cluster', doc);
    expect(findingsOf(s, 'DSQL-C2')).toEqual([]);
  });

  test('compliant: SecureDsqlCluster connectConditions with a VPC token (a policy built with Fn::Join)', () => {
    const s = checkedStack();
    new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceVpcIds: [vpc(s).vpcId] } });
    expect(findingsOf(s, 'DSQL-C2')).toEqual([]);
  });

  test('non-compliant: a SecureDsqlCluster without connectConditions (the library default: identity policies alone decide)', () => {
    const s = checkedStack();
    new SecureDsqlCluster(s, 'Db');
    expect(findingsOf(s, 'DSQL-C2')).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Db/Resource' })]);
  });
});

describe('DSQL-C3 cluster resource policy that DSQL rejects', () => {
  const allow = (extra: object) => ({ Effect: 'Allow', Principal: { AWS: '*' }, Action: CONNECT, Resource: '*', ...extra });

  test.each<[string, object, RegExp]>([
    ['Allow to * constrained by aws:SourceIp only', allow({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
      /allows \* without a trusted restricting condition/],
    ['Allow to * without condition', allow({}), /without a trusted/],
    ['Allow to * with a negated trusted key', allow({ Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } } }), /without a trusted/],
    ['Allow to * with a wildcard value', allow({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/*' } } }), /without a trusted/],
    ['Allow to * with …IfExists (true when the key is absent)', allow({ Condition: { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-0123456789abcdef0' } } }),
      /without a trusted/],
    ['Allow to another account', allow({ Principal: { AWS: 'arn:aws:iam::999999999999:root' } }), /names account 999999999999/],
    ['Allow to * restricted to another account', allow({ Condition: { StringEquals: { 'aws:PrincipalAccount': '999999999999' } } }),
      /names account 999999999999/],
  ])('non-compliant: %s', (_name, statement, detail) => {
    const s = checkedStack();
    compliantCluster(s, 'Cluster', policy(statement));
    const found = findingsOf(s, 'DSQL-C3');
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Cluster' })]);
    expect(found[0].message).toMatch(detail);
  });

  test.each<[string, object]>([
    ['Allow to * restricted to this account', allow({ Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } } })],
    ['Allow to * through one VPC', allow({ Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-0123456789abcdef0' } } })],
    ['Allow to a role of this account', allow({ Principal: { AWS: 'arn:aws:iam::123456789012:role/app' } })],
    ['Deny statements only', denyEveryone({ Null: { 'aws:SourceVpc': 'true' } })],
  ])('compliant: %s', (_name, statement) => {
    const s = checkedStack();
    compliantCluster(s, 'Cluster', policy(statement));
    expect(findingsOf(s, 'DSQL-C3')).toEqual([]);
  });

  test('not applicable: the account of an env-agnostic stack is unknown, so another account cannot be told apart', () => {
    const s = checkedStack(undefined, 'agnostic');
    compliantCluster(s, 'Cluster', policy(allow({ Principal: { AWS: 'arn:aws:iam::999999999999:root' } })));
    expect(findingsOf(s, 'DSQL-C3')).toEqual([]);
  });
});

describe('DSQL-C4 cluster encrypted with the AWS-owned key (strict level)', () => {
  test.each([
    ['no KmsEncryptionKey', undefined],
    ['AWS_OWNED_KMS_KEY', 'AWS_OWNED_KMS_KEY'],
  ])('non-compliant: %s', (_name, key) => {
    const s = checkedStack({ strict: true });
    const c = compliantCluster(s);
    c.kmsEncryptionKey = key;
    expect(findingsOf(s, 'DSQL-C4')).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Cluster' })]);
  });

  test('compliant: a customer-managed key', () => {
    const s = checkedStack({ strict: true });
    compliantCluster(s);
    expect(findingsOf(s, 'DSQL-C4')).toEqual([]);
  });

  test('the default pack is quiet on the library\'s default (a plain SecureDsqlCluster, or any cluster without a key)', () => {
    const s = checkedStack();
    new SecureDsqlCluster(s, 'Db');
    compliantCluster(s).kmsEncryptionKey = undefined;
    expect(findingsOf(s, 'DSQL-C4')).toEqual([]);
    expect(dsqlFindings(s)).toEqual([expect.objectContaining({ path: '/Stack/Db/Resource', message: expect.stringMatching(/^\[DSQL-C2\]/) })]);
  });

  test('ruleLevels naming DSQL-C4 runs it without strict', () => {
    const s = checkedStack({ ruleLevels: { 'DSQL-C4': DsqlCheckLevel.ERROR } });
    compliantCluster(s).kmsEncryptionKey = undefined;
    expect(findingsOf(s, 'DSQL-C4')).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Cluster' })]);
  });
});

test('the cluster rules read properties set through escape hatches (addPropertyOverride)', () => {
  const s: Stack = checkedStack();
  const c = compliantCluster(s);
  c.addPropertyOverride('DeletionProtectionEnabled', false);
  expect(findingsOf(s, 'DSQL-C1')).toHaveLength(1);
});

test('a cluster rule finding names the construct, the rule and the fix', () => {
  const s = checkedStack({ strict: true });
  new dsql.CfnCluster(s, 'Bare');
  new ec2.CfnVPC(s, 'Unrelated', { cidrBlock: '10.0.0.0/16' });
  const ids = ['DSQL-C1', 'DSQL-C2', 'DSQL-C4'];
  for (const id of ids) {
    expect(findingsOf(s, id)).toEqual([expect.objectContaining({ path: '/Stack/Bare', message: expect.stringMatching(/\. Fix: /) })]);
  }
});

describe('DSQL-C5 cluster whose connection attempts no audit records (strict level only)', () => {
  const on = { ruleLevels: { 'DSQL-C5': DsqlCheckLevel.WARNING } };
  type FieldSelector = cloudtrail.CfnTrail.AdvancedFieldSelectorProperty;
  const trailOf = (s: Stack, id: string, fieldSelectors: FieldSelector[], isLogging = true) => new cloudtrail.CfnTrail(s, id, {
    isLogging,
    s3BucketName: 'audit-logs',
    advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::DSQL::Cluster'] }, ...fieldSelectors] }],
  });

  test('not in the default pack: nothing is reported for an unaudited cluster', () => {
    const s = checkedStack();
    compliantCluster(s);
    expect(findingsOf(s, 'DSQL-C5')).toEqual([]);
  });

  test('in the strict level: an unaudited cluster is reported', () => {
    const s = checkedStack({ strict: true });
    compliantCluster(s);
    expect(findingsOf(s, 'DSQL-C5')).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Cluster' })]);
  });

  test('turned on: an unaudited cluster is reported, a cluster the connection audit selects is not', () => {
    const s = checkedStack(on);
    compliantCluster(s, 'Unaudited');
    new SecureDsqlCluster(s, 'Audited').addConnectionAudit('Audit');
    const found = findingsOf(s, 'DSQL-C5');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Unaudited' })]);
    expect(found[0].message).toMatch(/none of the 1 trails or event data stores of the stack selects it\)\. Fix: Add a connection audit/);
  });

  test.each<[string, (s: Stack, c: dsql.CfnCluster) => void, boolean]>([
    ['no trail at all', () => undefined, true],
    ['a trail on every DSQL cluster', (s) => trailOf(s, 'Trail', []), false],
    ['a trail on this cluster\'s ARN', (s, c) => trailOf(s, 'Trail', [{ field: 'resources.ARN', equalTo: [c.attrResourceArn] }]), false],
    ['a trail on another cluster\'s ARN only', (s) => trailOf(s, 'Trail', [{ field: 'resources.ARN', equalTo: [compliantCluster(s, 'Other').attrResourceArn] }]), true],
    ['a trail that is not logging', (s) => trailOf(s, 'Trail', [], false), true],
    ['a trail on other DSQL events only', (s) => trailOf(s, 'Trail', [{ field: 'eventName', equalTo: ['GetCluster'] }]), true],
  ])('%s: reported %s', (_name, build, reported) => {
    const s = checkedStack(on);
    const c = compliantCluster(s);
    build(s, c);
    expect(findingsOf(s, 'DSQL-C5').filter((f) => f.path === '/Stack/Cluster').length).toBe(reported ? 1 : 0);
  });

  test('a selector the app cannot judge (readOnly) is neither counted nor reported', () => {
    const s = checkedStack(on);
    compliantCluster(s);
    trailOf(s, 'Trail', [{ field: 'readOnly', equalTo: ['true'] }]);
    expect(findingsOf(s, 'DSQL-C5')).toEqual([]);
  });
});
