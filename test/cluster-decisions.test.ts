/**
 * Decision tests: the cluster resource policy together with identity policies, evaluated by a real IAM
 * policy evaluator for a matrix of requests. The patterns are those of the Aurora DSQL security blog post
 * (trusted IP, trusted VPCs, one VPC, VPC plus approved principals, block public access) and the traps of
 * docs/ARCHITECTURE.md, "Policy semantics".
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DsqlConnectConditions, SecureDsqlCluster } from '../src';
import { ConnectRequest, Decision, ENV, ResolvedTemplate, decide } from './support/iam-eval';

const VPC_A = 'vpc-0aaaaaaaaaaaaaaaa';
const VPC_B = 'vpc-0bbbbbbbbbbbbbbbb';
const VPC_OTHER = 'vpc-0ccccccccccccccc0';
const VPCE_A = 'vpce-0aaaaaaaaaaaaaaaa';
const VPCE_OTHER = 'vpce-0ffffffffffffffff';
const TRUSTED_IP = '203.0.113.7';
const OTHER_IP = '198.51.100.7';

interface Fixture {
  readonly resolved: ResolvedTemplate;
  readonly clusterArn: string;
  readonly otherClusterArn: string;
  readonly app: string; // role that was granted DbConnect on the cluster
  readonly admin: string; // role that was granted DbConnectAdmin
  readonly stranger: string; // role with DbConnect on the cluster that is NOT in principalArns
  run(principal: string, req: Omit<ConnectRequest, 'principal' | 'resource'> & { resource?: string }): Promise<Decision>;
}

/** Synthesize a stack with the cluster, a second cluster and three roles, and return an evaluator. */
function fixture(conditions?: (s: Stack) => DsqlConnectConditions): Fixture {
  const s = new Stack(new App(), 'Stack', { env: ENV });
  const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: conditions?.(s) });
  const other = new SecureDsqlCluster(s, 'Other');
  const role = (id: string) => new iam.Role(s, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const app = role('App');
  const admin = role('Admin');
  const stranger = role('Stranger');
  cluster.grantConnect(app);
  cluster.grantConnectAdmin(admin);
  cluster.grantConnect(stranger);
  const r = new ResolvedTemplate(s);
  const logical = (c: SecureDsqlCluster) => s.getLogicalId(c.cfnCluster);
  const roleId = (x: iam.Role) => s.getLogicalId(x.node.defaultChild as iam.CfnRole);
  const principals: Record<string, string> = {};
  for (const x of [app, admin, stranger]) principals[r.roleArn(roleId(x))] = roleId(x);
  return {
    resolved: r,
    clusterArn: r.clusterArn(logical(cluster)),
    otherClusterArn: r.clusterArn(logical(other)),
    app: r.roleArn(roleId(app)),
    admin: r.roleArn(roleId(admin)),
    stranger: r.roleArn(roleId(stranger)),
    run(principal, req) {
      const resource = req.resource ?? r.clusterArn(logical(cluster));
      const policy = resource === r.clusterArn(logical(cluster)) ? r.clusterPolicy(logical(cluster)) : r.clusterPolicy(logical(other));
      return decide(
        { identityPolicies: r.identityPolicies(principals[principal]), resourcePolicy: policy },
        { ...req, principal, resource },
      );
    },
  };
}

const publicFrom = (ip: string) => ({ sourceIp: ip });
const through = (vpc: string, vpce: string) => ({ sourceVpc: vpc, sourceVpce: vpce });

describe('no conditions: identity policies alone decide', () => {
  const f = fixture();
  test.each([
    ['granted role, public', () => f.run(f.app, publicFrom(OTHER_IP)), 'Allowed'],
    ['granted role, through any VPC', () => f.run(f.app, through(VPC_OTHER, VPCE_OTHER)), 'Allowed'],
    ['DbConnect does not allow DbConnectAdmin', () => f.run(f.app, { ...publicFrom(OTHER_IP), action: 'dsql:DbConnectAdmin' }), 'ImplicitlyDenied'],
    ['DbConnectAdmin does not allow DbConnect', () => f.run(f.admin, { ...publicFrom(OTHER_IP), action: 'dsql:DbConnect' }), 'ImplicitlyDenied'],
    ['admin role connects as admin', () => f.run(f.admin, { ...publicFrom(OTHER_IP), action: 'dsql:DbConnectAdmin' }), 'Allowed'],
    ['a grant on one cluster does not reach another', () => f.run(f.app, { ...publicFrom(OTHER_IP), resource: f.otherClusterArn }), 'ImplicitlyDenied'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });
});

describe('pattern: trusted IP', () => {
  const f = fixture(() => ({ sourceIps: ['203.0.113.0/24'] }));
  test.each([
    ['from the trusted range', () => f.run(f.app, publicFrom(TRUSTED_IP)), 'Allowed'],
    ['from elsewhere on the internet', () => f.run(f.app, publicFrom(OTHER_IP)), 'ExplicitlyDenied'],
    ['through a VPC endpoint (not a listed origin)', () => f.run(f.app, through(VPC_A, VPCE_A)), 'ExplicitlyDenied'],
    ['admin from the trusted range', () => f.run(f.admin, { ...publicFrom(TRUSTED_IP), action: 'dsql:DbConnectAdmin' }), 'Allowed'],
    ['admin from elsewhere', () => f.run(f.admin, { ...publicFrom(OTHER_IP), action: 'dsql:DbConnectAdmin' }), 'ExplicitlyDenied'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });
});

describe('pattern: trusted VPCs', () => {
  const f = fixture(() => ({ sourceVpcIds: [VPC_A, VPC_B] }));
  test.each([
    ['through VPC A', () => f.run(f.app, through(VPC_A, VPCE_A)), 'Allowed'],
    ['through VPC B', () => f.run(f.app, through(VPC_B, VPCE_OTHER)), 'Allowed'],
    ['through another VPC', () => f.run(f.app, through(VPC_OTHER, VPCE_OTHER)), 'ExplicitlyDenied'],
    ['over the internet', () => f.run(f.app, publicFrom(TRUSTED_IP)), 'ExplicitlyDenied'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });
});

describe('pattern: one VPC, given as a token (vpc.vpcId)', () => {
  let vpcId = '';
  const f = fixture((s) => {
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1 });
    return { sourceVpcIds: [vpc.vpcId] };
  });
  beforeAll(() => {
    vpcId = f.resolved.ref(f.resolved.logicalIdsOfType('AWS::EC2::VPC')[0]);
  });
  test('through that VPC', async () => {
    expect(await f.run(f.app, through(vpcId, VPCE_A))).toBe('Allowed');
  });
  test('through another VPC', async () => {
    expect(await f.run(f.app, through(VPC_OTHER, VPCE_A))).toBe('ExplicitlyDenied');
  });
  test('over the internet', async () => {
    expect(await f.run(f.app, publicFrom(TRUSTED_IP))).toBe('ExplicitlyDenied');
  });
});

describe('pattern: VPC plus approved principals (AND)', () => {
  let f: Fixture;
  beforeAll(() => {
    // principalArns must name the granted role; its ARN is known only after a first synth, so use the fake ARN.
    const probe = fixture();
    f = fixture(() => ({ sourceVpcIds: [VPC_A], principalArns: [probe.app] }));
  });
  test('approved principal through the VPC', async () => {
    expect(await f.run(f.app, through(VPC_A, VPCE_A))).toBe('Allowed');
  });
  test('approved principal over the internet', async () => {
    expect(await f.run(f.app, publicFrom(TRUSTED_IP))).toBe('ExplicitlyDenied');
  });
  test('other principal through the VPC, even with DbConnect in its identity policy', async () => {
    expect(await f.run(f.stranger, through(VPC_A, VPCE_A))).toBe('ExplicitlyDenied');
  });
});

describe('pattern: block public access', () => {
  const f = fixture(() => ({ blockPublicAccess: true }));
  test.each([
    ['through any VPC endpoint', () => f.run(f.app, through(VPC_OTHER, VPCE_OTHER)), 'Allowed'],
    ['over the internet, even from a "good" IP', () => f.run(f.app, publicFrom(TRUSTED_IP)), 'ExplicitlyDenied'],
    ['admin over the internet', () => f.run(f.admin, { ...publicFrom(TRUSTED_IP), action: 'dsql:DbConnectAdmin' }), 'ExplicitlyDenied'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });
});

describe('trap: two kinds of origin combine with OR, not AND', () => {
  const f = fixture(() => ({ sourceIps: ['203.0.113.0/24'], sourceVpcIds: [VPC_A], sourceVpcEndpointIds: [VPCE_OTHER] }));
  test.each([
    ['from the trusted IP range', () => f.run(f.app, publicFrom(TRUSTED_IP)), 'Allowed'],
    ['through the trusted VPC', () => f.run(f.app, through(VPC_A, VPCE_A)), 'Allowed'],
    ['through the trusted endpoint in another VPC', () => f.run(f.app, through(VPC_OTHER, VPCE_OTHER)), 'Allowed'],
    ['from an untrusted IP', () => f.run(f.app, publicFrom(OTHER_IP)), 'ExplicitlyDenied'],
    ['through an untrusted endpoint in an untrusted VPC', () => f.run(f.app, through(VPC_OTHER, 'vpce-0123456789abcdef0')), 'ExplicitlyDenied'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });

  test('the origins are one Deny statement (two would lock everyone out)', () => {
    const statements = f.resolved.clusterPolicy('Db5D02A0A9').Statement;
    expect(statements.filter((s: any) => s.Sid === 'DenyUntrustedNetworkOrigin')).toHaveLength(1);
  });
});

describe('trap: the resource policy never grants by itself', () => {
  test('a role without an identity policy is not allowed through the VPC', async () => {
    const s = new Stack(new App(), 'Bare', { env: ENV });
    new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true } });
    const r = new ResolvedTemplate(s);
    expect(await decide({ resourcePolicy: r.clusterPolicy() }, {
      principal: 'arn:aws:iam::123456789012:role/nobody', resource: r.clusterArn(), ...through(VPC_A, VPCE_A),
    })).toBe('ImplicitlyDenied');
  });
});

describe('the evaluator sees the trap the renderer avoids', () => {
  test('origins split across two Deny statements would deny even the trusted IP', async () => {
    const deny = (condition: any) => ({
      Effect: 'Deny', Principal: { AWS: '*' }, Action: ['dsql:DbConnect'], Resource: '*', Condition: condition,
    });
    const wrong = {
      Version: '2012-10-17',
      Statement: [
        deny({ NotIpAddressIfExists: { 'aws:SourceIp': ['203.0.113.0/24'] } }),
        deny({ StringNotEqualsIfExists: { 'aws:SourceVpc': [VPC_A] } }),
      ],
    };
    const arn = 'arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz';
    const identity = [{ name: 'p', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dsql:DbConnect', Resource: arn }] } }];
    const principal = 'arn:aws:iam::123456789012:role/app';
    expect(await decide({ identityPolicies: identity, resourcePolicy: wrong }, { principal, resource: arn, ...publicFrom(TRUSTED_IP) })).toBe('ExplicitlyDenied');
    expect(await decide({ identityPolicies: identity, resourcePolicy: wrong }, { principal, resource: arn, ...through(VPC_A, VPCE_A) })).toBe('ExplicitlyDenied');
  });
});
