/**
 * The public surface and the shared mechanisms of issue "Architecture and public API" (docs/ARCHITECTURE.md):
 * named exports only, a branded error that every jsii language can detect, the generic grant, the outputs,
 * factories on imported clusters, the one subnet spelling and the imported-host check.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lib from '../src';
import { DsqlErrors, DsqlPrivateLinkEndpoint, SecureDsqlCluster } from '../src';
import { ENV, ResolvedTemplate, decide } from './support/iam-eval';
import { DsqlValidationError } from '../src/private/errors';

const ID = 'abcdefghijklmnopqrstuvwxyz';
const SERVICE = 'com.amazonaws.us-east-1.dsql-a1b2c3';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}
function vpcOf(s: Stack): ec2.Vpc {
  return new ec2.Vpc(s, 'Vpc', {
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [
      { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

describe('public surface', () => {
  test('the package exports constructs, classes and enums only at run time (interfaces and structs are types)', () => {
    expect(Object.keys(lib).sort()).toEqual([
      'DsqlBackupPlan', 'DsqlCheckLevel', 'DsqlClusterBase', 'DsqlConnectPolicy', 'DsqlConnectionAudit', 'DsqlConnectionAuditStore', 'DsqlDatabaseRole', 'DsqlErrors', 'DsqlMultiRegionPair',
      'DsqlPrivateLinkEndpoint', 'DsqlPrivatePathAdminPolicy', 'DsqlPrivatePathGuardrail', 'DsqlRecommendedAlarms',
      'DsqlSecurityChecks', 'DsqlTablePrivilege', 'SecureDsqlCluster',
    ]);
  });

  test('internals are not exported', () => {
    for (const name of ['DB_CONNECT', 'CONNECT_ACTIONS', 'PRIVATE_PATH_TAG_KEY', 'renderConnectConditions', 'validateConnectConditions',
      'mergeSourceIpsToFit', 'privateHostName', 'DsqlValidationError']) {
      expect(lib).not.toHaveProperty(name);
    }
  });

  test('the tag key users need is a static readonly', () => {
    expect(lib.DsqlPrivatePathAdminPolicy.TAG_KEY).toBe('secure-dsql:private-path');
  });
});

describe('DsqlErrors.isValidationError', () => {
  test('recognises every synth-time refusal, whatever its path', () => {
    const s = stack();
    let caught: unknown;
    try {
      new SecureDsqlCluster(s, 'Db', { removalPolicy: RemovalPolicy.DESTROY });
    } catch (e) {
      caught = e;
    }
    expect(DsqlErrors.isValidationError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^Stack\/Db: removalPolicy .* \(got "DESTROY"\)\. Set deletionProtection: false/);
  });

  test('recognises the brand, not the class: an error from another copy of the library is recognised', () => {
    const foreign = new Error('Stack/Db: x is bad (got 1). Fix it.');
    Object.defineProperty(foreign, Symbol.for('secure-dsql.DsqlValidationError'), { value: true });
    expect(DsqlErrors.isValidationError(foreign)).toBe(true);
  });

  test('other errors and values are not validation errors', () => {
    expect(DsqlErrors.isValidationError(new Error('boom'))).toBe(false);
    expect(DsqlErrors.isValidationError(undefined)).toBe(false);
    expect(DsqlErrors.isValidationError('Stack/Db: x')).toBe(false);
    expect(DsqlErrors.isValidationError({ name: 'DsqlValidationError' })).toBe(false);
    expect(DsqlErrors.isValidationError(new DsqlValidationError('m'))).toBe(true);
  });

  test('every refusal message ends with the stable code that every jsii language can read', () => {
    expect(DsqlErrors.VALIDATION_ERROR_CODE).toBe('SECURE_DSQL_VALIDATION_ERROR');
    let caught: Error | undefined;
    try {
      new SecureDsqlCluster(stack(), 'Db', { removalPolicy: RemovalPolicy.DESTROY });
    } catch (e) {
      caught = e as Error;
    }
    expect(caught?.message).toMatch(/\. \[SECURE_DSQL_VALIDATION_ERROR\]$/);
    expect(DsqlErrors.isValidationErrorMessage(caught!.message)).toBe(true);
    expect(DsqlErrors.isValidationErrorMessage('Stack/Db: something else failed')).toBe(false);
    // the code is added once, however often a message passes through the error class
    expect(new DsqlValidationError(caught!.message).message).toBe(caught!.message);
  });

  test('a refusal that aws-cdk-lib collects from a validation (its own error class) is recognised too', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster });
    ep.connections.allowFrom(ec2.Peer.ipv4('52.0.0.0/16'), ec2.Port.tcp(5432));
    let caught: Error | undefined;
    try {
      (s.node.root as App).synth();
    } catch (e) {
      caught = e as Error;
    }
    expect(caught).toBeDefined();
    expect(caught).not.toBeInstanceOf(DsqlValidationError);
    expect(caught!.message).toContain('52.0.0.0/16');
    expect(DsqlErrors.isValidationError(caught)).toBe(true);
    expect(DsqlErrors.isValidationErrorMessage(caught!.message)).toBe(true);
  });
});

describe('grant(grantee, ...actions)', () => {
  test('grants exactly the named actions on this cluster only, and the evaluator agrees', async () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const other = new SecureDsqlCluster(s, 'Other');
    const role = new iam.Role(s, 'Ops', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = cluster.grant(role, 'dsql:GetCluster', 'dsql:DbConnect');
    expect(grant.success).toBe(true);
    const r = new ResolvedTemplate(s);
    const roleId = s.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const arn = r.clusterArn(s.getLogicalId(cluster.cfnCluster));
    const otherArn = r.clusterArn(s.getLogicalId(other.cfnCluster));
    const run = (action: string, resource: string) => decide({ identityPolicies: r.identityPolicies(roleId) },
      { principal: r.roleArn(roleId), action, resource, sourceIp: '203.0.113.7' });
    expect(await run('dsql:GetCluster', arn)).toBe('Allowed');
    expect(await run('dsql:DbConnect', arn)).toBe('Allowed');
    expect(await run('dsql:DbConnectAdmin', arn)).toBe('ImplicitlyDenied');
    expect(await run('dsql:DbConnect', otherArn)).toBe('ImplicitlyDenied');
  });

  test.each([['dsql:*'], ['*'], ['s3:GetObject'], ['dsql:Db*']])('refuses %s', (action) => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const role = new iam.Role(s, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => cluster.grant(role, action)).toThrow(
      new RegExp(`Stack/Db: grant\\(grantee, \\.\\.\\.actions\\) is not an Aurora DSQL action without wildcards \\(got "${action.replace('*', '\\*')}"\\)`));
  });

  test('refuses no action at all', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const role = new iam.Role(s, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => cluster.grant(role)).toThrow(/grant\(grantee, \.\.\.actions\) names no action/);
  });
});

describe('addOutputs', () => {
  test('a created cluster outputs identifier, ARN, public and private host names, exported with a prefix', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    cluster.addOutputs({ exportNamePrefix: 'Orders-' });
    const outputs = Template.fromStack(s).toJSON().Outputs;
    const logical = s.getLogicalId(cluster.cfnCluster);
    const byExport = Object.fromEntries(Object.values<any>(outputs).map((o) => [o.Export.Name, o.Value]));
    expect(byExport).toEqual({
      'Orders-ClusterIdentifier': { 'Fn::GetAtt': [logical, 'Identifier'] },
      'Orders-ClusterArn': { 'Fn::GetAtt': [logical, 'ResourceArn'] },
      'Orders-ClusterEndpoint': { 'Fn::GetAtt': [logical, 'Endpoint'] },
      'Orders-ClusterPrivateEndpoint': { 'Fn::GetAtt': [logical, 'VpcEndpoint'] },
    });
  });

  test('an imported cluster without a service name has no private host name to output', () => {
    const s = stack();
    expect(SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID).addOutputs()).toHaveLength(3);
    expect(Object.values<any>(Template.fromStack(s).toJSON().Outputs).map((o) => o.Value)).toContain(`${ID}.dsql.us-east-1.on.aws`);
  });

  test('refuses an export prefix CloudFormation would reject', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    expect(() => cluster.addOutputs({ exportNamePrefix: 'bad prefix!' })).toThrow(/addOutputs\(options\)\.exportNamePrefix is not a valid CloudFormation export name prefix/);
  });
});

describe('imported clusters', () => {
  test('have the factories: an endpoint and a database role on an imported cluster', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: ID, vpcEndpointServiceName: SERVICE });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: vpcOf(s) });
    expect(endpoint).toBeInstanceOf(DsqlPrivateLinkEndpoint);
    expect(endpoint.hostName).toBe(`${ID}.dsql-a1b2c3.us-east-1.on.aws`);
    const role = cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint });
    expect(role.roleName).toBe('reader');
    expect(role.node.path).toBe('Stack/Db/Reader');
  });

  test('clusterEndpoint must be a DSQL host name of that cluster', () => {
    const s = stack();
    expect(() => SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: ID, clusterEndpoint: 'db.attacker.example' }))
      .toThrow(/Stack\/Db: clusterEndpoint is not a DSQL host name of cluster abcdefghijklmnopqrstuvwxyz in us-east-1 \(got "db\.attacker\.example"\)/);
    expect(() => SecureDsqlCluster.fromClusterAttributes(s, 'Other', { clusterIdentifier: ID, clusterEndpoint: 'zyxwvutsrqponmlkjihgfedcba.dsql.us-east-1.on.aws' }))
      .toThrow(/is not a DSQL host name of cluster/);
    expect(SecureDsqlCluster.fromClusterAttributes(s, 'Public', { clusterIdentifier: ID, clusterEndpoint: `${ID}.dsql.us-east-1.on.aws` }).clusterEndpoint)
      .toBe(`${ID}.dsql.us-east-1.on.aws`);
    expect(SecureDsqlCluster.fromClusterAttributes(s, 'Private', { clusterIdentifier: ID, clusterEndpoint: `${ID}.dsql-a1b2c3.us-east-1.on.aws` }).clusterEndpoint)
      .toBe(`${ID}.dsql-a1b2c3.us-east-1.on.aws`);
  });

  test('declared connectConditions are validated and reach the checks of other constructs (no casts)', () => {
    const s = stack();
    expect(() => SecureDsqlCluster.fromClusterAttributes(s, 'Bad', { clusterIdentifier: ID, connectConditions: { sourceIps: [] } }))
      .toThrow(/Stack\/Bad: connectConditions\.sourceIps is an empty list/);
    const blocked = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: ID, connectConditions: { blockPublicAccess: true } });
    expect(blocked.connectConditions).toEqual({ blockPublicAccess: true });
    expect(() => blocked.addDatabaseRole('Reader', { roleName: 'reader' }))
      .toThrow(/Stack\/Db\/Reader: endpoint is not given, but the resource policy of Stack\/Db denies connections that do not arrive through a VPC endpoint/);
  });
});

describe('one subnet spelling', () => {
  test('vpcSubnets places the endpoint; the deprecated subnets still works; both at once is refused', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const cluster = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: ID, vpcEndpointServiceName: SERVICE });
    cluster.addPrivateLinkEndpoint('A', { vpc, vpcSubnets: { subnetGroupName: 'apps' } });
    // Private DNS off: one VPC holds one private-DNS endpoint per service (private-link-endpoint-network.test.ts).
    cluster.addPrivateLinkEndpoint('B', { vpc, subnets: { subnetGroupName: 'apps' }, privateDnsEnabled: false });
    const endpoints = Object.values<any>(Template.fromStack(s).findResources('AWS::EC2::VPCEndpoint'));
    const apps = vpc.selectSubnets({ subnetGroupName: 'apps' }).subnetIds.map((id) => s.resolve(id));
    for (const e of endpoints) expect(e.Properties.SubnetIds).toEqual(apps);
    expect(() => cluster.addPrivateLinkEndpoint('C', { vpc, vpcSubnets: { subnetGroupName: 'apps' }, subnets: { subnetGroupName: 'endpoints' } }))
      .toThrow(/Stack\/Db\/C: subnets is given together with vpcSubnets/);
  });
});
