import { App, ArnFormat, Aspects, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { ENV, checkedStack, compliantCluster, findingsOf } from './support';
import { DsqlConnectPolicy, DsqlSecurityChecks, SecureDsqlCluster } from '../../src';

const CLUSTER_ARN = 'arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz';
const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const allow = (action: unknown, resource: unknown, extra: object = {}) => ({ Effect: 'Allow', Action: action, Resource: resource, ...extra });

/** The same statements in each kind of identity policy the rules read. */
const HOLDERS: Array<[string, (s: Stack, statements: object[]) => void, string]> = [
  ['AWS::IAM::ManagedPolicy', (s, st) => new iam.CfnManagedPolicy(s, 'Policy', { policyDocument: doc(...st) }), '/Stack/Policy'],
  ['AWS::IAM::Policy', (s, st) => new iam.CfnPolicy(s, 'Policy', { policyName: 'p', policyDocument: doc(...st), roles: ['r'] }), '/Stack/Policy'],
  ['AWS::IAM::Role inline Policies', (s, st) => new iam.CfnRole(s, 'Policy', {
    assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    policies: [{ policyName: 'inline', policyDocument: doc(...st) }],
  }), '/Stack/Policy'],
  ['AWS::IAM::User inline Policies', (s, st) => new iam.CfnUser(s, 'Policy', { policies: [{ policyName: 'inline', policyDocument: doc(...st) }] }), '/Stack/Policy'],
  ['AWS::IAM::Group inline Policies', (s, st) => new iam.CfnGroup(s, 'Policy', { policies: [{ policyName: 'inline', policyDocument: doc(...st) }] }), '/Stack/Policy'],
];

describe('DSQL-I1 identity policy that allows the connect actions by wildcard', () => {
  describe.each(HOLDERS)('in %s', (_kind, hold, path) => {
    test.each<[string, object]>([
      ['dsql:* on *', allow('dsql:*', '*')],
      ['* on *', allow('*', '*')],
      ['dsql:Db* on a cluster', allow('dsql:Db*', CLUSTER_ARN)],
      ['NotAction that keeps the connect actions', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
    ])('non-compliant: %s', (_name, statement) => {
      const s = checkedStack();
      hold(s, [statement]);
      expect(findingsOf(s, 'DSQL-I1')).toEqual([expect.objectContaining({ level: 'error', path })]);
    });
  });

  test.each<[string, object]>([
    ['named actions on a cluster', allow(['dsql:DbConnect', 'dsql:GetCluster'], CLUSTER_ARN)],
    ['* on a bucket (no cluster among the resources)', allow('*', 'arn:aws:s3:::bucket/*')],
    ['dsql:Get* (matches no connect action)', allow('dsql:Get*', '*')],
    ['a Deny of dsql:*', { Effect: 'Deny', Action: 'dsql:*', Resource: '*' }],
    ['NotAction that excludes dsql', { Effect: 'Allow', NotAction: 'dsql:*', Resource: '*' }],
  ])('compliant: %s', (_name, statement) => {
    const s = checkedStack();
    new iam.CfnManagedPolicy(s, 'Policy', { policyDocument: doc(statement) });
    expect(findingsOf(s, 'DSQL-I1')).toEqual([]);
  });

  test('non-compliant: an L2 policy with dsql:* on a cluster of the app', () => {
    const s = checkedStack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    new iam.ManagedPolicy(s, 'Policy', { statements: [new iam.PolicyStatement({ actions: ['dsql:*'], resources: [cluster.clusterArn] })] });
    expect(findingsOf(s, 'DSQL-I1')).toEqual([expect.objectContaining({ path: '/Stack/Policy/Resource', message: expect.stringContaining('"dsql:*"') })]);
  });
});

describe('DSQL-I1 on a cluster of another stack (an unknown resource is possibly a cluster, as in DSQL-I2)', () => {
  test('non-compliant: dsql:* on a cluster ARN imported from a data stack', () => {
    const app = new App();
    Aspects.of(app).add(new DsqlSecurityChecks());
    const data = new Stack(app, 'Data', { env: ENV });
    const cluster = new SecureDsqlCluster(data, 'Db');
    const s = new Stack(app, 'Stack', { env: ENV });
    new iam.ManagedPolicy(s, 'Policy', { statements: [new iam.PolicyStatement({ actions: ['dsql:*'], resources: [cluster.clusterArn] })] });
    expect(findingsOf(s, 'DSQL-I1')).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Policy/Resource' })]);
  });

  test('non-compliant: dsql:* on Fn::ImportValue', () => {
    const s = checkedStack();
    new iam.CfnManagedPolicy(s, 'Policy', { policyDocument: doc(allow('dsql:*', Fn.importValue('Data-ClusterArn'))) });
    expect(findingsOf(s, 'DSQL-I1')).toEqual([expect.objectContaining({ path: '/Stack/Policy' })]);
  });

  test('control: dsql:* on an imported bucket ARN of the template (another resource type) stays clean', () => {
    const s = checkedStack();
    const bucket = new CfnBucket(s, 'Bucket');
    new iam.CfnManagedPolicy(s, 'Policy', { policyDocument: doc(allow('dsql:*', bucket.attrArn)) });
    expect(findingsOf(s, 'DSQL-I1')).toEqual([]);
  });
});

describe('DSQL-I2 identity policy that allows dsql:DbConnectAdmin', () => {
  test.each(HOLDERS)('non-compliant: DbConnectAdmin on a cluster in %s', (_kind, hold, path) => {
    const s = checkedStack();
    hold(s, [allow('dsql:DbConnectAdmin', CLUSTER_ARN)]);
    expect(findingsOf(s, 'DSQL-I2')).toEqual([expect.objectContaining({ level: 'warning', path })]);
  });

  test('non-compliant: DsqlConnectPolicy with connectAdmin: true (a choice the library accepts)', () => {
    const s = checkedStack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    new DsqlConnectPolicy(s, 'Admins', { clusters: [cluster], connect: false, connectAdmin: true });
    expect(findingsOf(s, 'DSQL-I2')).toEqual([expect.objectContaining({ path: '/Stack/Admins/Resource/Resource' })]);
  });

  test('non-compliant: grantConnectAdmin to a role of the app', () => {
    const s = checkedStack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    cluster.grantConnectAdmin(new iam.Role(s, 'Dba', { assumedBy: new iam.AccountRootPrincipal() }));
    expect(findingsOf(s, 'DSQL-I2')).toEqual([expect.objectContaining({ path: '/Stack/Dba/DefaultPolicy/Resource' })]);
  });

  test.each<[string, object]>([
    ['DbConnect only', allow('dsql:DbConnect', CLUSTER_ARN)],
    ['DbConnectAdmin on a non-DSQL resource', allow('dsql:DbConnectAdmin', 'arn:aws:s3:::bucket')],
    ['a Deny of DbConnectAdmin', { Effect: 'Deny', Action: 'dsql:DbConnectAdmin', Resource: '*' }],
  ])('compliant: %s', (_name, statement) => {
    const s = checkedStack();
    new iam.CfnManagedPolicy(s, 'Policy', { policyDocument: doc(statement) });
    expect(findingsOf(s, 'DSQL-I2')).toEqual([]);
  });

  test('compliant: the DsqlDatabaseRole handler, which must connect as admin, on its one cluster', () => {
    const s = checkedStack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    cluster.addDatabaseRole('App', { roleName: 'app' });
    expect(findingsOf(s, 'DSQL-I2')).toEqual([]);
  });
});

describe('DSQL-I3 identity policy that allows a connect action on every cluster', () => {
  test.each<[string, object, RegExp]>([
    ['DbConnect on *', allow('dsql:DbConnect', '*'), /dsql:DbConnect on "\*"/],
    ['DbConnect on every cluster of the account', allow('dsql:DbConnect', 'arn:aws:dsql:us-east-1:123456789012:cluster/*'), /cluster\/\*/],
    ['DbConnect on clusters of any account and Region', allow('dsql:DbConnect', 'arn:aws:dsql:*:*:*'), /dsql:\*:\*:\*/],
    ['DbConnect with NotResource', { Effect: 'Allow', Action: 'dsql:DbConnect', NotResource: 'arn:aws:s3:::*' }, /NotResource/],
  ])('non-compliant: %s', (_name, statement, detail) => {
    const s = checkedStack();
    new iam.CfnManagedPolicy(s, 'Policy', { policyDocument: doc(statement) });
    const found = findingsOf(s, 'DSQL-I3');
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Policy' })]);
    expect(found[0].message).toMatch(detail);
  });

  test('non-compliant: a cluster/* ARN built with Stack.formatArn (pseudo parameters)', () => {
    const s = checkedStack(undefined, 'agnostic');
    const arn = s.formatArn({ service: 'dsql', resource: 'cluster', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    new iam.ManagedPolicy(s, 'Policy', { statements: [new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: [arn] })] });
    expect(findingsOf(s, 'DSQL-I3')).toEqual([expect.objectContaining({ path: '/Stack/Policy/Resource' })]);
  });

  test.each<[string, object]>([
    ['DbConnect on one cluster', allow('dsql:DbConnect', CLUSTER_ARN)],
    ['DbConnect on a cluster of the app', allow('dsql:DbConnect', { 'Fn::GetAtt': ['Cluster', 'ResourceArn'] })],
    ['GetCluster on * (not a connect action)', allow('dsql:GetCluster', '*')],
    ['NotResource that excludes the clusters', { Effect: 'Allow', Action: 'dsql:DbConnect', NotResource: 'arn:aws:dsql:*:*:cluster/*' }],
  ])('compliant: %s', (_name, statement) => {
    const s = checkedStack();
    const cluster = compliantCluster(s);
    cluster.overrideLogicalId('Cluster');
    new iam.CfnManagedPolicy(s, 'Policy', { policyDocument: doc(statement) });
    expect(findingsOf(s, 'DSQL-I3')).toEqual([]);
  });

  test('compliant: DsqlConnectPolicy and grantConnect name the cluster', () => {
    const s = checkedStack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const role = new iam.Role(s, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    cluster.grantConnect(role);
    new DsqlConnectPolicy(s, 'Connect', { clusters: [cluster], roles: [role] });
    expect(findingsOf(s, 'DSQL-I3')).toEqual([]);
    expect(findingsOf(s, 'DSQL-I1')).toEqual([]);
  });
});
