/**
 * Errors for every caller: what a JavaScript or jsii caller can get wrong that TypeScript would refuse (a
 * missing required prop, a single value for a list, `{}` for an object with a required list) is a validation
 * error naming the construct, the property and the fix, never a raw TypeError; and every problem of a
 * construct's props is reported at once.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  DsqlConnectionAudit, DsqlBackupPlan, DsqlConnectPolicy, DsqlDatabaseRole, DsqlErrors, DsqlMultiRegionPair, DsqlPrivateLinkEndpoint,
  DsqlPrivatePathAdminPolicy, DsqlPrivatePathGuardrail, DsqlRecommendedAlarms, SecureDsqlCluster,
} from '../src';
import { ENV } from './support/iam-eval';

const SERVICE = 'com.amazonaws.us-east-1.dsql-a1b2c3';
const ID = 'abcdefghijklmnopqrstuvwxyz';

function setup() {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const cluster = SecureDsqlCluster.fromClusterAttributes(stack, 'Imported', { clusterIdentifier: ID, vpcEndpointServiceName: SERVICE });
  return { stack, vpc, cluster };
}

/** The error `create` throws; fails the test when it throws nothing or something that is not a validation error. */
function errorOf(create: () => unknown): Error & { problems: string[] } {
  try {
    create();
  } catch (e) {
    expect(DsqlErrors.isValidationError(e)).toBe(true);
    return e as Error & { problems: string[] };
  }
  throw new Error('expected a validation error, but nothing was thrown');
}

// JavaScript callers: the props are typed `any` here on purpose.
const js = (x: unknown): any => x;

describe('a JavaScript caller gets a validation error, not a TypeError', () => {
  test('addPrivateLinkEndpoint without vpc (and without options at all)', () => {
    for (const options of [undefined, {}]) {
      const { cluster } = setup();
      const e = errorOf(() => cluster.addPrivateLinkEndpoint('Private', js(options)));
      expect(e.message).toMatch(/Stack\/Imported\/Private: vpc is required but missing .*Give the VPC/);
    }
  });

  test('a guardrail without adminPrincipalArns', () => {
    const { stack, cluster } = setup();
    const e = errorOf(() => new DsqlPrivatePathGuardrail(stack, 'Guard', js({ clusters: [cluster] })));
    expect(e.message).toMatch(/Stack\/Guard: adminPrincipalArns is required but missing .*deployment role/);
  });

  test('sourceIps given as a string', () => {
    const { stack } = setup();
    const e = errorOf(() => new SecureDsqlCluster(stack, 'Db', js({ connectConditions: { sourceIps: '203.0.113.0/24' } })));
    expect(e.message).toMatch(/Stack\/Db: connectConditions\.sourceIps must be a list, not a string \(got "203\.0\.113\.0\/24"\)\. Give sourceIps as a list/);
  });

  test('networkAcl: {}', () => {
    const { vpc, cluster } = setup();
    const e = errorOf(() => cluster.addPrivateLinkEndpoint('Private', js({ vpc, networkAcl: {} })));
    expect(e.message).toMatch(/networkAcl\.allowedCidrs is required but missing .*allowedCidrs: \["10\.0\.0\.0\/16"\]/);
  });

  test.each([
    ['endpoint allowedClients as one client', (s: ReturnType<typeof setup>) =>
      s.cluster.addPrivateLinkEndpoint('P', js({ vpc: s.vpc, allowedClients: ec2.Peer.ipv4('10.0.0.0/16') })), /allowedClients must be a list, not an object/],
    ['cluster multiRegion without witnessRegion', (s: ReturnType<typeof setup>) =>
      new SecureDsqlCluster(s.stack, 'Db', js({ multiRegion: {} })), /multiRegion\.witnessRegion is required but missing/],
    ['import without clusterIdentifier', (s: ReturnType<typeof setup>) =>
      SecureDsqlCluster.fromClusterAttributes(s.stack, 'I', js(undefined)), /props must be an object with clusterIdentifier/],
    ['connect policy without clusters', (s: ReturnType<typeof setup>) =>
      new DsqlConnectPolicy(s.stack, 'C', js({})), /clusters is required but missing/],
    ['connect policy roles as one role', (s: ReturnType<typeof setup>) =>
      new DsqlConnectPolicy(s.stack, 'C', js({ clusters: [s.cluster], roles: new iam.Role(s.stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }) })),
    /roles must be a list, not an object/],
    ['admin policy vpcs as one VPC', (s: ReturnType<typeof setup>) =>
      new DsqlPrivatePathAdminPolicy(s.stack, 'A', js({ clusters: [s.cluster], vpcs: s.vpc })), /vpcs must be a list, not an object/],
    ['database role without roleName', (s: ReturnType<typeof setup>) =>
      new DsqlDatabaseRole(s.stack, 'Role', js({ cluster: s.cluster })), /roleName is required but missing/],
    ['backup plan without cluster', (s: ReturnType<typeof setup>) =>
      new DsqlBackupPlan(s.stack, 'B', js({})), /cluster is required but missing/],
    ['alarms without props', (s: ReturnType<typeof setup>) =>
      new DsqlRecommendedAlarms(s.stack, 'Al', js(undefined)), /props must be an object with cluster/],
    ['connection audit with one cluster instead of a list', (s: ReturnType<typeof setup>) =>
      new DsqlConnectionAudit(s.stack, 'Audit', js({ clusters: s.cluster })), /clusters must be a list, not an object/],
    ['connection audit alarm topic as a string', (s: ReturnType<typeof setup>) =>
      new DsqlConnectionAudit(s.stack, 'Audit', js({ clusters: [s.cluster], alarmTopic: 'arn:aws:sns:us-east-1:123456789012:ops' })),
    /alarmTopic must be an object, not a string/],
    ['pair without second', (s: ReturnType<typeof setup>) =>
      new DsqlMultiRegionPair(s.stack, 'Pair', js({ first: { stack: s.stack }, witnessRegion: 'us-west-2' })), /second is required but missing/],
  ])('%s', (_name, create, expected) => {
    const e = errorOf(() => create(setup()));
    expect(e.message).toMatch(expected);
  });
});

describe('elements of lists, nested entries and method arguments', () => {
  test('an element of the wrong kind is named by its index', () => {
    const { stack, vpc, cluster } = setup();
    const e = errorOf(() => cluster.addPrivateLinkEndpoint('P', js({ vpc, allowedPrincipalArns: ['arn:aws:iam::123456789012:role/app', 42] })));
    expect(e.message).toMatch(/allowedPrincipalArns\[1\] must be a string, not a number \(got 42\)/);
    const e2 = errorOf(() => new SecureDsqlCluster(stack, 'Db', js({ connectConditions: { sourceVpcIds: [undefined] } })));
    expect(e2.message).toMatch(/connectConditions\.sourceVpcIds\[0\] must be a string/);
  });

  test('a schemaPrivileges entry without its schema', () => {
    const { stack, cluster } = setup();
    const e = errorOf(() => new DsqlDatabaseRole(stack, 'Role', js({ cluster, roleName: 'app_reader', schemaPrivileges: [{ tables: ['SELECT'] }] })));
    expect(e.message).toMatch(/schemaPrivileges\[0\]\.schema is required but missing/);
  });

  test('method arguments: addCluster, allowFrom and hostNameFor without their argument', () => {
    const { vpc, cluster } = setup();
    const ep = cluster.addPrivateLinkEndpoint('P', { vpc }) as DsqlPrivateLinkEndpoint;
    expect(errorOf(() => ep.addCluster(js(undefined))).message).toMatch(/Stack\/Imported\/P: addCluster\(cluster\) is required but missing/);
    expect(errorOf(() => ep.allowFrom(js(undefined))).message).toMatch(/allowFrom\(client\) is required but missing/);
    expect(errorOf(() => ep.hostNameFor(js(undefined))).message).toMatch(/hostNameFor\(cluster\) is required but missing/);
  });
});

describe('every problem of a construct at once', () => {
  test('endpoint: bad principal, managementActions without managementEndpoint and a public ACL block, in one error', () => {
    const { vpc, cluster } = setup();
    const e = errorOf(() => cluster.addPrivateLinkEndpoint('Private', {
      vpc,
      allowedPrincipalArns: ['not-an-arn'],
      managementActions: ['dsql:GetCluster'],
      networkAcl: { allowedCidrs: ['8.8.8.0/24'] },
    }));
    expect(e.problems).toHaveLength(3);
    expect(e.message).toMatch(/^Stack\/Imported\/Private: 3 problems:\n {2}- /);
    expect(e.message).toMatch(/allowedPrincipalArns is not an IAM role or user ARN/);
    expect(e.message).toMatch(/managementActions is set but managementEndpoint is not/);
    expect(e.message).toMatch(/networkAcl\.allowedCidrs is not a private range/);
  });

  test('shape problems together: two lists given as strings', () => {
    const { stack } = setup();
    const e = errorOf(() => new SecureDsqlCluster(stack, 'Db', js({ connectConditions: { sourceIps: '203.0.113.0/24', sourceVpcIds: 'vpc-0123456789abcdef0' } })));
    expect(e.problems).toHaveLength(2);
  });

  test('cluster: removal policy, an empty allow-list and a bad VPC id, in one error', () => {
    const { stack } = setup();
    const e = errorOf(() => new SecureDsqlCluster(stack, 'Db', js({
      removalPolicy: 'destroy',
      connectConditions: { sourceIps: [], sourceVpcIds: ['vpc-nope'] },
    })));
    expect(e.problems).toEqual([
      expect.stringMatching(/removalPolicy .*contradicts deletionProtection/),
      expect.stringMatching(/connectConditions\.sourceIps is an empty list/),
      expect.stringMatching(/connectConditions\.sourceVpcIds is not a VPC id/),
    ]);
  });

  test('guardrail: no clusters and an empty admin list, in one error', () => {
    const { stack } = setup();
    const e = errorOf(() => new DsqlPrivatePathGuardrail(stack, 'Guard', { clusters: [], adminPrincipalArns: [] }));
    expect(e.problems).toHaveLength(2);
  });

  test('one problem keeps the single-message form', () => {
    const { stack } = setup();
    const e = errorOf(() => new SecureDsqlCluster(stack, 'Db', { connectConditions: { sourceVpcIds: ['vpc-nope'] } }));
    expect(e.problems).toHaveLength(1);
    expect(e.message).toBe(e.problems[0]);
  });
});

test('control: well-formed props from the same callers pass', () => {
  const { stack, vpc, cluster } = setup();
  expect(() => {
    cluster.addPrivateLinkEndpoint('Private', js({ vpc, allowedClients: [ec2.Peer.ipv4('10.0.0.0/16')], networkAcl: { allowedCidrs: ['10.0.0.0/16'] } }));
    new SecureDsqlCluster(stack, 'Db', js({ connectConditions: { sourceIps: ['203.0.113.0/24'] } }));
    new DsqlPrivatePathGuardrail(stack, 'Guard', js({ clusters: [cluster], adminPrincipalArns: ['arn:aws:iam::123456789012:role/admin'] }));
    new DsqlConnectPolicy(stack, 'C', js({ clusters: [cluster] }));
  }).not.toThrow();
});
