/**
 * The organization perimeter and private client addresses of DsqlConnectConditions (principalOrgIds,
 * principalOrgPaths, vpcSourceIps): decisions of the synthesized cluster policy under the independent IAM
 * evaluator, in all three policy kinds' renderer, and validation (docs/ARCHITECTURE.md, "Policy semantics").
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DsqlConnectConditions, DsqlConnectPolicy, SecureDsqlCluster } from '../src';
import { ConnectRequest, Decision, ENV, ResolvedTemplate, decide } from './support/iam-eval';

const ORG = 'o-a1b2c3d4e5';
const OTHER_ORG = 'o-zzzzzzzzzz';
const OU_PAYMENTS = `${ORG}/r-ab12/ou-ab12-11111111/`;
const OU_OTHER = `${ORG}/r-ab12/ou-ab12-22222222/`;
const VPC_A = 'vpc-0aaaaaaaaaaaaaaaa';
const VPC_B = 'vpc-0bbbbbbbbbbbbbbbb';
const VPCE_A = 'vpce-0aaaaaaaaaaaaaaaa';
const VPCE_B = 'vpce-0bbbbbbbbbbbbbbbb';

type Req = Omit<ConnectRequest, 'principal' | 'resource'>;

/** The cluster policy (resource layer) with `conditions`, and a role granted DbConnect. */
function clusterFixture(conditions: DsqlConnectConditions) {
  const s = new Stack(new App(), 'Stack', { env: ENV });
  const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: conditions });
  const role = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  cluster.grantConnect(role);
  const r = new ResolvedTemplate(s);
  const roleId = s.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const clusterId = s.getLogicalId(cluster.cfnCluster);
  return (req: Req): Promise<Decision> => decide(
    { identityPolicies: r.identityPolicies(roleId), resourcePolicy: r.clusterPolicy(clusterId) },
    { ...req, principal: r.roleArn(roleId), resource: r.clusterArn(clusterId) });
}

/** The same conditions in an identity policy (DsqlConnectPolicy), no cluster policy. */
function identityFixture(conditions: DsqlConnectConditions) {
  const s = new Stack(new App(), 'Stack', { env: ENV });
  const cluster = new SecureDsqlCluster(s, 'Db');
  const role = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new DsqlConnectPolicy(s, 'Connect', { clusters: [cluster], conditions, roles: [role] });
  const r = new ResolvedTemplate(s);
  const roleId = s.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const clusterId = s.getLogicalId(cluster.cfnCluster);
  return (req: Req): Promise<Decision> => decide({ identityPolicies: r.identityPolicies(roleId) },
    { ...req, principal: r.roleArn(roleId), resource: r.clusterArn(clusterId) });
}

const publicFrom = (ip: string, org?: Partial<Req>): Req => ({ sourceIp: ip, ...org });
const through = (vpc: string, vpce: string, vpcSourceIp: string, org?: Partial<Req>): Req =>
  ({ sourceVpc: vpc, sourceVpce: vpce, vpcSourceIp, ...org });
const inOrg = (id: string, paths?: string[]): Partial<Req> => ({ principalOrgId: id, principalOrgPaths: paths });

describe.each([['cluster policy', clusterFixture], ['identity policy', identityFixture]])('%s', (_layer, fixture) => {
  describe('principalOrgIds', () => {
    const run = fixture({ principalOrgIds: [ORG] });
    test.each<[string, Req, Decision]>([
      ['a principal of the organization', publicFrom('203.0.113.7', inOrg(ORG)), 'Allowed'],
      ['a principal of another organization', publicFrom('203.0.113.7', inOrg(OTHER_ORG)), 'ExplicitlyDenied'],
      ['a principal of no organization', publicFrom('203.0.113.7'), 'ExplicitlyDenied'],
    ])('%s', async (_n, req, expected) => expect(await run(req)).toBe(expected));
  });

  describe('principalOrgPaths', () => {
    const run = fixture({ principalOrgPaths: [`${OU_PAYMENTS}*`] });
    test.each<[string, Req, Decision]>([
      ['a principal under the OU', publicFrom('203.0.113.7', inOrg(ORG, [`${OU_PAYMENTS}ou-ab12-33333333/`])), 'Allowed'],
      ['a principal of the OU itself', publicFrom('203.0.113.7', inOrg(ORG, [OU_PAYMENTS])), 'Allowed'],
      ['a principal of another OU of the same organization', publicFrom('203.0.113.7', inOrg(ORG, [OU_OTHER])), 'ExplicitlyDenied'],
      ['a principal of another organization', publicFrom('203.0.113.7', inOrg(OTHER_ORG, [`${OTHER_ORG}/r-ab12/`])), 'ExplicitlyDenied'],
      ['a principal of no organization (no path at all)', publicFrom('203.0.113.7'), 'ExplicitlyDenied'],
    ])('%s', async (_n, req, expected) => expect(await run(req)).toBe(expected));
  });

  describe('vpcSourceIps alone: endpoint traffic from those addresses only, nothing public', () => {
    const run = fixture({ vpcSourceIps: ['10.0.1.0/24'] });
    test.each<[string, Req, Decision]>([
      ['through an endpoint from an allowed address', through(VPC_A, VPCE_A, '10.0.1.15'), 'Allowed'],
      ['through an endpoint from another private address', through(VPC_A, VPCE_A, '10.0.2.15'), 'ExplicitlyDenied'],
      ['over the internet', publicFrom('203.0.113.7'), 'ExplicitlyDenied'],
    ])('%s', async (_n, req, expected) => expect(await run(req)).toBe(expected));
  });

  describe('vpcSourceIps with sourceVpcIds (AND) and sourceIps (OR)', () => {
    const run = fixture({ vpcSourceIps: ['10.0.1.0/24'], sourceVpcIds: [VPC_A], sourceIps: ['203.0.113.0/24'] });
    test.each<[string, Req, Decision]>([
      ['the listed VPC, an allowed address', through(VPC_A, VPCE_A, '10.0.1.15'), 'Allowed'],
      ['the listed VPC, another address', through(VPC_A, VPCE_A, '10.0.9.15'), 'ExplicitlyDenied'],
      ['another VPC, an allowed address', through(VPC_B, VPCE_B, '10.0.1.15'), 'ExplicitlyDenied'],
      ['a trusted public IP', publicFrom('203.0.113.7'), 'Allowed'],
      ['another public IP', publicFrom('198.51.100.7'), 'ExplicitlyDenied'],
    ])('%s', async (_n, req, expected) => expect(await run(req)).toBe(expected));
  });
});

describe('validation', () => {
  const make = (connectConditions: DsqlConnectConditions) => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    new SecureDsqlCluster(s, 'Db', { connectConditions });
    return s;
  };
  test.each<[string, DsqlConnectConditions, RegExp]>([
    ['empty org ids', { principalOrgIds: [] }, /connectConditions\.principalOrgIds is an empty list/],
    ['malformed org id', { principalOrgIds: ['org-1'] }, /connectConditions\.principalOrgIds is not an AWS Organizations id \(got "org-1"\)/],
    ['duplicate org id', { principalOrgIds: [ORG, ORG] }, /principalOrgIds lists the same value twice/],
    ['malformed path', { principalOrgPaths: ['ou-ab12-11111111'] }, /principalOrgPaths is not an organization path .*\(got "ou-ab12-11111111"\)/],
    ['a path outside the listed organizations', { principalOrgIds: [ORG], principalOrgPaths: [`${OTHER_ORG}/r-ab12/*`] },
      /principalOrgPaths is in organization o-zzzzzzzzzz, which principalOrgIds does not list, so nobody could match both/],
    ['empty vpcSourceIps', { vpcSourceIps: [] }, /connectConditions\.vpcSourceIps is an empty list/],
    ['any-address vpcSourceIps', { vpcSourceIps: ['0.0.0.0/0'] }, /vpcSourceIps admits every address/],
    ['malformed vpcSourceIps', { vpcSourceIps: ['10.0.0.0/40'] }, /vpcSourceIps/],
  ])('%s is refused', (_n, c, message) => {
    expect(() => make(c)).toThrow(message);
  });

  test('a path inside a listed organization is accepted, and so are the new keys alone', () => {
    expect(() => make({ principalOrgIds: [ORG], principalOrgPaths: [`${OU_PAYMENTS}*`] })).not.toThrow();
    expect(() => make({ vpcSourceIps: ['10.0.0.0/16'] })).not.toThrow();
  });

  test('public blocks in vpcSourceIps get a warning, private ones do not', () => {
    const warned = make({ vpcSourceIps: ['203.0.113.0/24'] });
    Annotations.fromStack(warned).hasWarning('/Stack/Db', Match.stringLikeRegexp('vpcSourceIps lists blocks outside the private ranges \\(203\\.0\\.113\\.0/24\\)'));
    expect(Annotations.fromStack(make({ vpcSourceIps: ['10.0.0.0/16'] })).findWarning('*', Match.stringLikeRegexp('vpcSourceIps'))).toHaveLength(0);
  });
});
