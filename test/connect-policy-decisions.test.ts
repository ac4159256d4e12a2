/**
 * DsqlConnectPolicy decisions: the synthesized managed policies, evaluated by a real IAM policy evaluator
 * (@cloud-copilot/iam-simulate) for a matrix of requests, and a property-based test that compares the
 * evaluator's decision with the decision the conditions describe (docs/ARCHITECTURE.md, "The conditions model" and "Policy semantics").
 */
import { BlockList, isIPv6 } from 'net';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { DsqlConnectConditions, SecureDsqlCluster } from '../src';
import { DsqlConnectPolicy, DsqlConnectPolicyProps } from '../src/connect-policy';
import { Decision, ENV, ResolvedTemplate, decide } from './support/iam-eval';
import { mergeCidrs } from '../src/private/cidr';

const VPC_A = 'vpc-0aaaaaaaaaaaaaaaa';
const VPC_B = 'vpc-0bbbbbbbbbbbbbbbb';
const VPC_C = 'vpc-0cccccccccccccccc';
const VPCE_A1 = 'vpce-0a1a1a1a1a1a1a1a1';
const VPCE_A2 = 'vpce-0a2a2a2a2a2a2a2a2';
const VPCE_B1 = 'vpce-0b1b1b1b1b1b1b1b1';
const VPCE_C1 = 'vpce-0c1c1c1c1c1c1c1c1';
const TRUSTED_IP = '203.0.113.7';
const OTHER_IP = '198.51.100.200';
const DB_CONNECT = 'dsql:DbConnect';
const DB_CONNECT_ADMIN = 'dsql:DbConnectAdmin';

const publicFrom = (ip: string) => ({ sourceIp: ip });
const through = (vpc: string, vpce: string) => ({ sourceVpc: vpc, sourceVpce: vpce });

type Origin = { sourceIp: string } | { sourceVpc: string; sourceVpce: string; vpcSourceIp?: string };
/** The caller's organization, if any (aws:PrincipalOrgID / aws:PrincipalOrgPaths). */
type Org = { principalOrgId?: string; principalOrgPaths?: string[] };

/**
 * A stack with three clusters (Db, Other, Third) and roles; `build` adds the policies under test. `run`
 * evaluates a request by a role with every identity policy attached to it in the template.
 */
class Fixture {
  public readonly stack = new Stack(new App(), 'Stack', { env: ENV });
  public readonly db = new SecureDsqlCluster(this.stack, 'Db');
  public readonly other = new SecureDsqlCluster(this.stack, 'Other');
  public readonly third = new SecureDsqlCluster(this.stack, 'Third');
  private resolved?: ResolvedTemplate;

  public role(id: string): iam.Role {
    return (this.stack.node.tryFindChild(id) as iam.Role | undefined)
      ?? new iam.Role(this.stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  }

  public get r(): ResolvedTemplate {
    this.resolved ??= new ResolvedTemplate(this.stack);
    return this.resolved;
  }

  public arn(cluster: SecureDsqlCluster): string {
    return this.r.clusterArn(this.stack.getLogicalId(cluster.cfnCluster));
  }

  public roleArn(id: string): string {
    return this.r.roleArn(this.logicalId(id));
  }

  public ref(construct: ec2.CfnVPC | ec2.CfnVPCEndpoint): string {
    return this.r.ref(this.stack.getLogicalId(construct));
  }

  public run(roleId: string, origin: Origin,
    options: { action?: string; cluster?: SecureDsqlCluster; principal?: string; org?: Org } = {}): Promise<Decision> {
    return decide({ identityPolicies: this.r.identityPolicies(this.logicalId(roleId)) }, {
      ...origin,
      ...options.org,
      principal: options.principal ?? this.roleArn(roleId),
      action: options.action ?? DB_CONNECT,
      resource: this.arn(options.cluster ?? this.db),
    });
  }

  private logicalId(roleId: string): string {
    return this.stack.getLogicalId(this.role(roleId).node.defaultChild as iam.CfnRole);
  }
}

function withPolicy(props: (f: Fixture) => Omit<DsqlConnectPolicyProps, 'roles'> & { roles?: iam.IRole[] }): Fixture {
  const f = new Fixture();
  const p = props(f);
  new DsqlConnectPolicy(f.stack, 'Connect', { roles: [f.role('App')], ...p });
  return f;
}

describe('grants: actions and clusters', () => {
  const f = withPolicy((x) => ({ clusters: [x.db] }));
  const admin = new Fixture();
  new DsqlConnectPolicy(admin.stack, 'AdminConnect', { clusters: [admin.db], connect: false, connectAdmin: true, roles: [admin.role('Admin')] });
  const both = withPolicy((x) => ({ clusters: [x.db, x.other], connectAdmin: true }));

  test.each<[string, () => Promise<Decision>, Decision]>([
    ['DbConnect on the named cluster, from anywhere', () => f.run('App', publicFrom(OTHER_IP)), 'Allowed'],
    ['DbConnect through any VPC', () => f.run('App', through(VPC_C, VPCE_C1)), 'Allowed'],
    ['DbConnect does not allow DbConnectAdmin', () => f.run('App', publicFrom(OTHER_IP), { action: DB_CONNECT_ADMIN }), 'ImplicitlyDenied'],
    ['a grant on one cluster does not reach another', () => f.run('App', publicFrom(OTHER_IP), { cluster: f.other }), 'ImplicitlyDenied'],
    ['no other dsql action', () => f.run('App', publicFrom(OTHER_IP), { action: 'dsql:GetCluster' }), 'ImplicitlyDenied'],
    ['admin policy allows DbConnectAdmin', () => admin.run('Admin', publicFrom(OTHER_IP), { action: DB_CONNECT_ADMIN }), 'Allowed'],
    ['admin policy (connect: false) does not allow DbConnect', () => admin.run('Admin', publicFrom(OTHER_IP)), 'ImplicitlyDenied'],
    ['both actions, several clusters: admin on the second', () => both.run('App', publicFrom(OTHER_IP), { action: DB_CONNECT_ADMIN, cluster: both.other }), 'Allowed'],
    ['both actions, several clusters: connect on the first', () => both.run('App', publicFrom(OTHER_IP), { cluster: both.db }), 'Allowed'],
    ['several clusters, but not the third', () => both.run('App', publicFrom(OTHER_IP), { cluster: both.third }), 'ImplicitlyDenied'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });

  test('two policies for two roles: each role reaches only its own cluster', async () => {
    const x = new Fixture();
    new DsqlConnectPolicy(x.stack, 'A', { clusters: [x.db], roles: [x.role('App')] });
    new DsqlConnectPolicy(x.stack, 'B', { clusters: [x.other], roles: [x.role('Ops')] });
    expect(await x.run('App', publicFrom(OTHER_IP), { cluster: x.db })).toBe('Allowed');
    expect(await x.run('App', publicFrom(OTHER_IP), { cluster: x.other })).toBe('ImplicitlyDenied');
    expect(await x.run('Ops', publicFrom(OTHER_IP), { cluster: x.other })).toBe('Allowed');
    expect(await x.run('Ops', publicFrom(OTHER_IP), { cluster: x.db })).toBe('ImplicitlyDenied');
  });
});

describe('each condition alone', () => {
  test('sourceIps (IPv4 and IPv6): only from those addresses, not through a VPC endpoint', async () => {
    const f = withPolicy((x) => ({ clusters: [x.db], conditions: { sourceIps: ['203.0.113.0/24', '2001:db8::/48'] } }));
    expect(await f.run('App', publicFrom(TRUSTED_IP))).toBe('Allowed');
    expect(await f.run('App', publicFrom('2001:db8::42'))).toBe('Allowed');
    expect(await f.run('App', publicFrom(OTHER_IP))).toBe('ExplicitlyDenied');
    expect(await f.run('App', publicFrom('2001:db9::42'))).toBe('ExplicitlyDenied');
    expect(await f.run('App', through(VPC_A, VPCE_A1))).toBe('ExplicitlyDenied');
  });

  test('sourceVpcIds as a token (vpc.vpcId): only through that VPC', async () => {
    let vpc!: ec2.Vpc;
    const f = withPolicy((x) => {
      vpc = new ec2.Vpc(x.stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
      return { clusters: [x.db], conditions: { sourceVpcIds: [vpc.vpcId] } };
    });
    const vpcId = f.ref(vpc.node.defaultChild as ec2.CfnVPC);
    expect(vpcId).toMatch(/^vpc-/);
    expect(await f.run('App', through(vpcId, VPCE_A1))).toBe('Allowed');
    expect(await f.run('App', through(VPC_B, VPCE_B1))).toBe('ExplicitlyDenied');
    expect(await f.run('App', publicFrom(TRUSTED_IP))).toBe('ExplicitlyDenied');
  });

  test('sourceVpcEndpointIds as a token (endpoint.vpcEndpointId): only through that endpoint, not another in the same VPC', async () => {
    let endpoint!: ec2.InterfaceVpcEndpoint;
    let vpc!: ec2.Vpc;
    const f = withPolicy((x) => {
      vpc = new ec2.Vpc(x.stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
      endpoint = vpc.addInterfaceEndpoint('Ep', {
        service: new ec2.InterfaceVpcEndpointService(x.db.vpcEndpointServiceName!, 5432), privateDnsEnabled: true, open: false,
      });
      return { clusters: [x.db], conditions: { sourceVpcEndpointIds: [endpoint.vpcEndpointId] } };
    });
    const vpcId = f.ref(vpc.node.defaultChild as ec2.CfnVPC);
    const vpceId = f.ref(endpoint.node.defaultChild as ec2.CfnVPCEndpoint);
    expect(vpceId).toMatch(/^vpce-/);
    expect(await f.run('App', through(vpcId, vpceId))).toBe('Allowed');
    expect(await f.run('App', through(vpcId, VPCE_A2))).toBe('ExplicitlyDenied');
    expect(await f.run('App', publicFrom(TRUSTED_IP))).toBe('ExplicitlyDenied');
  });

  test('principalArns as a token (role.roleArn): the policy works only for the listed principal', async () => {
    const f = withPolicy((x) => ({ clusters: [x.db], roles: [x.role('App'), x.role('Stranger')], conditions: { principalArns: [x.role('App').roleArn] } }));
    expect(await f.run('App', publicFrom(OTHER_IP))).toBe('Allowed');
    expect(await f.run('Stranger', publicFrom(OTHER_IP))).toBe('ExplicitlyDenied');
  });

  test('principalArns with a wildcard', async () => {
    const f = withPolicy((x) => ({ clusters: [x.db], conditions: { principalArns: ['arn:aws:iam::123456789012:role/app-*'] } }));
    expect(await f.run('App', publicFrom(OTHER_IP), { principal: 'arn:aws:iam::123456789012:role/app-orders' })).toBe('Allowed');
    expect(await f.run('App', publicFrom(OTHER_IP), { principal: 'arn:aws:iam::123456789012:role/ops' })).toBe('ExplicitlyDenied');
  });

  test('blockPublicAccess: through any VPC endpoint, never over the internet', async () => {
    const f = withPolicy((x) => ({ clusters: [x.db], connectAdmin: true, conditions: { blockPublicAccess: true } }));
    expect(await f.run('App', through(VPC_C, VPCE_C1))).toBe('Allowed');
    expect(await f.run('App', publicFrom(TRUSTED_IP))).toBe('ExplicitlyDenied');
    expect(await f.run('App', publicFrom(TRUSTED_IP), { action: DB_CONNECT_ADMIN })).toBe('ExplicitlyDenied');
  });
});

describe('conditions in combination', () => {
  test('IP or VPC or endpoint: origins combine with OR (one Deny statement)', async () => {
    const f = withPolicy((x) => ({ clusters: [x.db], conditions: { sourceIps: ['203.0.113.0/24'], sourceVpcIds: [VPC_A], sourceVpcEndpointIds: [VPCE_C1] } }));
    expect(await f.run('App', publicFrom(TRUSTED_IP))).toBe('Allowed');
    expect(await f.run('App', through(VPC_A, VPCE_A2))).toBe('Allowed');
    expect(await f.run('App', through(VPC_C, VPCE_C1))).toBe('Allowed');
    expect(await f.run('App', publicFrom(OTHER_IP))).toBe('ExplicitlyDenied');
    expect(await f.run('App', through(VPC_B, VPCE_B1))).toBe('ExplicitlyDenied');
  });

  test('VPC plus approved principals: both must hold (AND)', async () => {
    const f = withPolicy((x) => ({
      clusters: [x.db], roles: [x.role('App'), x.role('Stranger')], conditions: { sourceVpcIds: [VPC_A], principalArns: [x.role('App').roleArn] },
    }));
    expect(await f.run('App', through(VPC_A, VPCE_A1))).toBe('Allowed');
    expect(await f.run('App', publicFrom(TRUSTED_IP))).toBe('ExplicitlyDenied');
    expect(await f.run('App', through(VPC_B, VPCE_B1))).toBe('ExplicitlyDenied');
    expect(await f.run('Stranger', through(VPC_A, VPCE_A1))).toBe('ExplicitlyDenied');
  });

  test('blockPublicAccess plus endpoints plus principals', async () => {
    const f = withPolicy((x) => ({
      clusters: [x.db], conditions: { blockPublicAccess: true, sourceVpcEndpointIds: [VPCE_A1], principalArns: [x.role('App').roleArn] },
    }));
    expect(await f.run('App', through(VPC_A, VPCE_A1))).toBe('Allowed');
    expect(await f.run('App', through(VPC_A, VPCE_A2))).toBe('ExplicitlyDenied');
    expect(await f.run('App', publicFrom(TRUSTED_IP))).toBe('ExplicitlyDenied');
    expect(await f.run('App', through(VPC_A, VPCE_A1), { principal: 'arn:aws:iam::123456789012:role/other' })).toBe('ExplicitlyDenied');
  });

  test('the Deny binds both connect actions on the named clusters, and only those clusters', async () => {
    // App gets DbConnectAdmin on Db and DbConnect on Third from other grants; the policy's conditions
    // restrict the admin connection to Db too, but leave Third alone.
    const f = withPolicy((x) => {
      x.db.grantConnectAdmin(x.role('App'));
      x.third.grantConnect(x.role('App'));
      return { clusters: [x.db], conditions: { sourceIps: ['203.0.113.0/24'] } };
    });
    expect(await f.run('App', publicFrom(OTHER_IP), { action: DB_CONNECT_ADMIN })).toBe('ExplicitlyDenied');
    expect(await f.run('App', publicFrom(TRUSTED_IP), { action: DB_CONNECT_ADMIN })).toBe('Allowed');
    expect(await f.run('App', publicFrom(OTHER_IP), { cluster: f.third })).toBe('Allowed');
  });
});

describe('quota paths keep the meaning', () => {
  test('merged CIDRs admit exactly the same addresses', async () => {
    const ips = Array.from({ length: 1024 }, (_, i) => `198.18.${Math.floor(i / 256) + 4}.${i % 256}/32`);
    const f = withPolicy((x) => ({ clusters: [x.db], conditions: { sourceIps: ips } }));
    for (const ip of ['198.18.4.0', '198.18.5.77', '198.18.7.255']) expect(await f.run('App', publicFrom(ip))).toBe('Allowed');
    for (const ip of ['198.18.3.255', '198.18.8.0']) expect(await f.run('App', publicFrom(ip))).toBe('ExplicitlyDenied');
  });

  test('a policy split across several managed policies decides like one', async () => {
    const ips = Array.from({ length: 200 }, (_, i) => `11.${Math.floor(i / 128)}.${(i % 128) * 2}.0/32`);
    let clusters: SecureDsqlCluster[] = [];
    const f = withPolicy((x) => {
      clusters = [x.db, x.other, ...Array.from({ length: 38 }, (_, i) => new SecureDsqlCluster(x.stack, `Db${i}`))];
      return { clusters, conditions: { sourceIps: ips } };
    });
    expect(f.r.identityPolicies(f.stack.getLogicalId(f.role('App').node.defaultChild as iam.CfnRole)).length).toBeGreaterThan(1);
    for (const cluster of [clusters[0], clusters[20], clusters[39]]) {
      expect(await f.run('App', publicFrom('11.0.0.0'), { cluster })).toBe('Allowed');
      expect(await f.run('App', publicFrom('11.1.142.0'), { cluster })).toBe('Allowed');
      expect(await f.run('App', publicFrom('11.0.1.0'), { cluster })).toBe('ExplicitlyDenied');
      expect(await f.run('App', through(VPC_A, VPCE_A1), { cluster })).toBe('ExplicitlyDenied');
    }
    expect(await f.run('App', publicFrom('11.0.0.0'), { cluster: f.third })).toBe('ImplicitlyDenied');
  });
});

// ---------------------------------------------------------------------------------------------------
// Property: for random conditions and random requests, the evaluator decides what the conditions say.
// ---------------------------------------------------------------------------------------------------

const CIDRS = ['203.0.113.0/24', '198.51.100.0/25', '192.0.2.128/25', '2001:db8::/48'];
const PRIVATE_CIDRS = ['10.0.1.0/24', '10.0.2.0/23', '172.16.0.0/16'];
const PRIVATE_IPS = ['10.0.1.9', '10.0.3.200', '172.16.4.4', '192.168.0.1'];
const ORGS = ['o-a1b2c3d4e5', 'o-zzzzzzzzzz'];
const ORG_PATHS = ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*', 'o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/', 'o-zzzzzzzzzz/*'];
const ORG_MEMBERSHIPS: Org[] = [
  { principalOrgId: 'o-a1b2c3d4e5', principalOrgPaths: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-33333333/'] },
  { principalOrgId: 'o-a1b2c3d4e5', principalOrgPaths: ['o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/'] },
  { principalOrgId: 'o-a1b2c3d4e5', principalOrgPaths: ['o-a1b2c3d4e5/r-ab12/'] },
  { principalOrgId: 'o-zzzzzzzzzz', principalOrgPaths: ['o-zzzzzzzzzz/r-zz99/'] },
];
const IPS = ['203.0.113.7', '198.51.100.1', '198.51.100.200', '192.0.2.130', '192.0.2.1', '2001:db8::1', '2001:db9::1'];
const VPCS = [VPC_A, VPC_B, VPC_C];
const ENDPOINTS: Array<[string, string]> = [[VPC_A, VPCE_A1], [VPC_A, VPCE_A2], [VPC_B, VPCE_B1], [VPC_C, VPCE_C1]];
const PRINCIPALS = ['arn:aws:iam::123456789012:role/app-orders', 'arn:aws:iam::123456789012:role/app-billing', 'arn:aws:iam::123456789012:role/ops'];
const PRINCIPAL_PATTERNS = ['arn:aws:iam::123456789012:role/app-orders', 'arn:aws:iam::123456789012:role/app-*', 'arn:aws:iam::123456789012:role/ops'];
type ClusterName = 'db' | 'other' | 'third';

interface Scenario {
  readonly conditions?: DsqlConnectConditions;
  readonly connect: boolean;
  readonly connectAdmin: boolean;
  readonly clusters: ClusterName[];
}
interface Req {
  readonly org: Org;
  readonly principal: string;
  readonly action: string;
  readonly cluster: ClusterName;
  readonly origin: Origin;
}

const optionalSubset = <T>(pool: T[]) => fc.option(fc.subarray(pool, { minLength: 1 }), { nil: undefined });

const conditionsArb: fc.Arbitrary<DsqlConnectConditions> = fc.record({
  sourceIps: optionalSubset(CIDRS),
  sourceVpcIds: optionalSubset(VPCS),
  sourceVpcEndpointIds: optionalSubset(ENDPOINTS.map(([, e]) => e)),
  principalArns: optionalSubset(PRINCIPAL_PATTERNS),
  blockPublicAccess: fc.boolean(),
  principalOrgIds: optionalSubset(ORGS),
  principalOrgPaths: optionalSubset(ORG_PATHS),
  vpcSourceIps: optionalSubset(PRIVATE_CIDRS),
})
  // A path outside every listed organization is refused at synth (tested elsewhere): keep the scenario valid.
  .map((c) => (c.principalOrgIds && c.principalOrgPaths?.some((p) => !c.principalOrgIds!.includes(p.split('/')[0]))
    ? { ...c, principalOrgPaths: undefined } : c))
  // blockPublicAccess with sourceIps is refused at synth (tested elsewhere): keep the scenario valid.
  .map((c) => (c.sourceIps ? { ...c, blockPublicAccess: undefined } : c))
  .filter((c) => !!(c.sourceIps || c.sourceVpcIds || c.sourceVpcEndpointIds || c.principalArns || c.blockPublicAccess
    || c.principalOrgIds || c.principalOrgPaths || c.vpcSourceIps))
  .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined && v !== false)) as DsqlConnectConditions);

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  conditions: fc.option(conditionsArb, { nil: undefined, freq: 5 }),
  connect: fc.boolean(),
  connectAdmin: fc.boolean(),
  clusters: fc.subarray<ClusterName>(['db', 'other'], { minLength: 1 }),
}).filter((s) => s.connect || s.connectAdmin);

const originArb: fc.Arbitrary<Origin> = fc.oneof(
  fc.constantFrom(...IPS).map((ip) => ({ sourceIp: ip })),
  fc.tuple(fc.constantFrom(...ENDPOINTS), fc.constantFrom(...PRIVATE_IPS))
    .map(([[vpc, vpce], ip]) => ({ sourceVpc: vpc, sourceVpce: vpce, vpcSourceIp: ip })),
);

const orgArb: fc.Arbitrary<Org> = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...ORG_MEMBERSHIPS),
);

const requestArb: fc.Arbitrary<Req> = fc.record({
  org: orgArb,
  principal: fc.constantFrom(...PRINCIPALS),
  action: fc.constantFrom(DB_CONNECT, DB_CONNECT_ADMIN),
  cluster: fc.constantFrom<ClusterName>('db', 'other', 'third'),
  origin: originArb,
});

function inCidrs(ip: string, cidrs: string[]): boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/');
    list.addSubnet(address, Number(prefix), address.includes(':') ? 'ipv6' : 'ipv4');
  }
  return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
}

function arnLike(pattern: string, arn: string): boolean {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(arn);
}

/** The decision the conditions describe (docs/ARCHITECTURE.md, "Policy semantics"), written without the renderer. */
function oracle(s: Scenario, req: Req): Decision {
  const named = s.clusters.includes(req.cluster);
  const granted = named && ((req.action === DB_CONNECT && s.connect) || (req.action === DB_CONNECT_ADMIN && s.connectAdmin));
  const c = s.conditions;
  let denied = false;
  if (c && named) {
    const o = req.origin;
    const isPublic = 'sourceIp' in o;
    const anyOrigin = !!(c.sourceIps || c.sourceVpcIds || c.sourceVpcEndpointIds || c.vpcSourceIps);
    // Through an endpoint: the VPC or endpoint lists (when any) must match, AND the client address must be
    // in vpcSourceIps (when given); with vpcSourceIps alone any endpoint qualifies.
    const endpointListed = !!(c.sourceVpcIds || c.sourceVpcEndpointIds);
    const endpointAllowed = !isPublic
      && (endpointListed ? (!!c.sourceVpcIds?.includes(o.sourceVpc) || !!c.sourceVpcEndpointIds?.includes(o.sourceVpce)) : !!c.vpcSourceIps)
      && (!c.vpcSourceIps || inCidrs(o.vpcSourceIp!, c.vpcSourceIps));
    const originAllowed = (isPublic && !!c.sourceIps && inCidrs(o.sourceIp, c.sourceIps)) || endpointAllowed;
    const orgPathMatches = (req.org.principalOrgPaths ?? []).some((path) => (c.principalOrgPaths ?? []).some((p) => arnLike(p, path)));
    denied = (anyOrigin && !originAllowed)
      || (!!c.blockPublicAccess && isPublic)
      || (!!c.principalArns && !c.principalArns.some((p) => arnLike(p, req.principal)))
      || (!!c.principalOrgIds && !c.principalOrgIds.includes(req.org.principalOrgId ?? ''))
      || (!!c.principalOrgPaths && !orgPathMatches);
  }
  return denied ? 'ExplicitlyDenied' : granted ? 'Allowed' : 'ImplicitlyDenied';
}

describe('property: the synthesized policy decides what the conditions describe', () => {
  test('random condition sets and requests', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, fc.array(requestArb, { minLength: 8, maxLength: 8 }), async (scenario, requests) => {
      const f = new Fixture();
      const byName = { db: f.db, other: f.other, third: f.third };
      new DsqlConnectPolicy(f.stack, 'Connect', {
        clusters: scenario.clusters.map((n) => byName[n]),
        connect: scenario.connect,
        connectAdmin: scenario.connectAdmin,
        conditions: scenario.conditions,
        roles: [f.role('App')],
      });
      for (const req of requests) {
        const got = await f.run('App', req.origin, { action: req.action, cluster: byName[req.cluster], principal: req.principal, org: req.org });
        expect({ req, got }).toEqual({ req, got: oracle(scenario, req) });
      }
    }), { numRuns: 80 });
  });

  test('the oracle is not trivial: it tells these scenarios apart', () => {
    const req: Req = { org: {}, principal: PRINCIPALS[0], action: DB_CONNECT, cluster: 'db', origin: { sourceIp: '203.0.113.7' } };
    const base: Scenario = { connect: true, connectAdmin: false, clusters: ['db'] };
    expect(oracle(base, req)).toBe('Allowed');
    expect(oracle({ ...base, conditions: { sourceVpcIds: [VPC_A] } }, req)).toBe('ExplicitlyDenied');
    expect(oracle({ ...base, conditions: { sourceIps: ['203.0.113.0/24'], sourceVpcIds: [VPC_A] } }, req)).toBe('Allowed');
    expect(oracle({ ...base, connect: false, connectAdmin: true }, req)).toBe('ImplicitlyDenied');
    expect(oracle({ ...base, clusters: ['other'] }, req)).toBe('ImplicitlyDenied');
    expect(oracle({ ...base, conditions: { principalOrgIds: [ORGS[0]] } }, req)).toBe('ExplicitlyDenied');
    expect(oracle({ ...base, conditions: { principalOrgIds: [ORGS[0]] } }, { ...req, org: ORG_MEMBERSHIPS[0] })).toBe('Allowed');
    expect(oracle({ ...base, conditions: { principalOrgPaths: [ORG_PATHS[0]] } }, { ...req, org: ORG_MEMBERSHIPS[1] })).toBe('ExplicitlyDenied');
    const endpointReq: Req = { ...req, origin: { sourceVpc: VPC_A, sourceVpce: VPCE_A1, vpcSourceIp: '10.0.3.200' } };
    expect(oracle({ ...base, conditions: { vpcSourceIps: ['10.0.1.0/24'] } }, endpointReq)).toBe('ExplicitlyDenied');
    expect(oracle({ ...base, conditions: { vpcSourceIps: ['10.0.2.0/23'] } }, endpointReq)).toBe('Allowed');
    expect(oracle({ ...base, conditions: { vpcSourceIps: ['10.0.2.0/23'] } }, req)).toBe('ExplicitlyDenied');
  });
});

describe('property: merging CIDR blocks never widens or narrows', () => {
  test('an address is in the merged list exactly when it is in the original', () => {
    const block = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 22, max: 32 }))
      .map(([third, prefix]) => {
        const base = (198 << 24) + (18 << 16) + (third << 8);
        const size = 2 ** (32 - prefix);
        const start = (base >>> 0) - ((base >>> 0) % size);
        return `${[24, 16, 8, 0].map((sh) => (start >>> sh) & 255).join('.')}/${prefix}`;
      });
    const probesArb = fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 20, maxLength: 20 });
    fc.assert(fc.property(fc.uniqueArray(block, { minLength: 1, maxLength: 40 }), probesArb,
      (cidrs, probes) => {
        const merged = mergeCidrs(cidrs);
        expect(merged.length).toBeLessThanOrEqual(cidrs.length);
        for (const p of probes) {
          const ip = `198.18.${p >> 8}.${p & 255}`;
          expect(inCidrs(ip, merged)).toBe(inCidrs(ip, cidrs));
        }
      }), { numRuns: 200 });
  });
});
