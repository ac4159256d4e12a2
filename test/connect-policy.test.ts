/**
 * DsqlConnectPolicy: template intent, bad input, the managed-policy quota (merge, split, fail), snapshot.
 * Decisions (what the synthesized statements allow) are in connect-policy-decisions.test.ts.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DsqlConnectConditions, SecureDsqlCluster } from '../src';
import { DsqlConnectPolicy, DsqlConnectPolicyProps } from '../src/connect-policy';
import { ENV, ResolvedTemplate } from './support/iam-eval';
import { QUOTAS } from '../src/private/quota';

const VPC = 'vpc-0123456789abcdef0';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

function role(s: Stack, id = 'App'): iam.Role {
  return new iam.Role(s, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

/** Non-adjacent /32s (every other address), so merging cannot shorten them. */
function scatteredIps(count: number, firstOctet = 11): string[] {
  return Array.from({ length: count }, (_, i) => `${firstOctet}.${Math.floor(i / 128)}.${(i % 128) * 2}.0/32`);
}

/** The compact length of every managed policy once deployed (tokens resolved to realistic values). */
function deployedLengths(s: Stack): number[] {
  const r = new ResolvedTemplate(s);
  return r.logicalIdsOfType('AWS::IAM::ManagedPolicy').map((id) => JSON.stringify(r.json.Resources[id].Properties.PolicyDocument).length);
}

describe('template: intent', () => {
  test('defaults: allow dsql:DbConnect on exactly the named cluster, nothing else, attached to the roles', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    new SecureDsqlCluster(s, 'Other');
    const app = role(s);
    new DsqlConnectPolicy(s, 'Connect', { clusters: [db], roles: [app] });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Sid: 'AllowConnect',
          Effect: 'Allow',
          Action: 'dsql:DbConnect',
          Resource: { 'Fn::GetAtt': [s.getLogicalId(db.cfnCluster), 'ResourceArn'] },
        }],
      },
      Roles: [{ Ref: s.getLogicalId(app.node.defaultChild as iam.CfnRole) }],
    });
  });

  test('connectAdmin adds dsql:DbConnectAdmin; connect: false leaves only it', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    new DsqlConnectPolicy(s, 'Both', { clusters: [db], connectAdmin: true });
    new DsqlConnectPolicy(s, 'AdminOnly', { clusters: [db], connect: false, connectAdmin: true });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Allow', Action: ['dsql:DbConnect', 'dsql:DbConnectAdmin'] })] },
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Allow', Action: 'dsql:DbConnectAdmin' })] },
    });
  });

  test('conditions: Deny statements from the one renderer, on the same clusters, no Principal element', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    const other = new SecureDsqlCluster(s, 'Other');
    const arns = [db, other].map((c) => ({ 'Fn::GetAtt': [s.getLogicalId(c.cfnCluster), 'ResourceArn'] }));
    new DsqlConnectPolicy(s, 'Connect', {
      clusters: [db, other],
      conditions: { sourceIps: ['203.0.113.0/24'], sourceVpcIds: [VPC], principalArns: ['arn:aws:iam::123456789012:role/app'] },
    });
    const statements: any[] = Object.values(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement;
    expect(statements.map((x) => [x.Sid, x.Effect])).toEqual([
      ['AllowConnect', 'Allow'], ['DenyUntrustedNetworkOrigin', 'Deny'], ['DenyUnlistedPrincipals', 'Deny'],
    ]);
    for (const x of statements) {
      expect(x.Resource).toEqual(arns);
      expect(x.Principal).toBeUndefined();
    }
    expect(statements[1]).toMatchObject({
      Action: ['dsql:DbConnect', 'dsql:DbConnectAdmin'],
      Condition: {
        NotIpAddressIfExists: { 'aws:SourceIp': ['203.0.113.0/24'] },
        StringNotEqualsIfExists: { 'aws:SourceVpc': [VPC] },
      },
    });
    expect(statements[2].Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/app'] } });
  });

  test('users and groups attach on creation; attachToRole/User/Group attach later', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    const user = new iam.User(s, 'Dev');
    const group = new iam.Group(s, 'Devs');
    const later = role(s, 'Later');
    const laterUser = new iam.User(s, 'LaterUser');
    const laterGroup = new iam.Group(s, 'LaterGroup');
    const policy = new DsqlConnectPolicy(s, 'Connect', { clusters: [db], users: [user], groups: [group] });
    policy.attachToRole(later);
    policy.attachToUser(laterUser);
    policy.attachToGroup(laterGroup);
    const ref = (c: iam.Role | iam.User | iam.Group) => ({ Ref: s.getLogicalId(c.node.defaultChild as iam.CfnRole) });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [ref(later)],
      Users: [ref(user), ref(laterUser)],
      Groups: [ref(group), ref(laterGroup)],
    });
    expect(policy.managedPolicy).toBe(policy.managedPolicies[0]);
    expect(policy.grantedActions).toEqual(['dsql:DbConnect']);
  });

  test('imported clusters: the ARN is the imported one', () => {
    const s = stack();
    const db = SecureDsqlCluster.fromClusterArn(s, 'Db', 'arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz');
    new DsqlConnectPolicy(s, 'Connect', { clusters: [db] });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz']] },
        })],
      },
    });
  });

  test('managedPolicyName and description are passed through', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    new DsqlConnectPolicy(s, 'Connect', { clusters: [db], managedPolicyName: 'app-connect', description: 'App connects' });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'app-connect', Description: 'App connects' });
  });
});

describe('bad input fails at synth with path, property, value and fix', () => {
  function build(props: (s: Stack) => DsqlConnectPolicyProps): () => void {
    return () => {
      const s = stack();
      new DsqlConnectPolicy(s, 'Connect', props(s));
    };
  }
  const cluster = (s: Stack) => new SecureDsqlCluster(s, 'Db');

  test.each<[string, (s: Stack) => DsqlConnectPolicyProps, RegExp]>([
    ['empty clusters', () => ({ clusters: [] }),
      /^Stack\/Connect: clusters is an empty list, so the policy would allow nothing \(got \[\]\)\. List the clusters the identities may connect to/],
    ['the same cluster twice', (s) => { const c = cluster(s); return { clusters: [c, c] }; },
      /^Stack\/Connect: clusters lists the same cluster twice \(got "Stack\/Db"\)\. Remove the duplicate\./],
    ['grants nothing', (s) => ({ clusters: [cluster(s)], connect: false }),
      /^Stack\/Connect: connect is false and connectAdmin is not true, so the policy grants nothing \(got false\)\. Leave connect at its default \(true\)/],
    ['grants nothing, explicitly', (s) => ({ clusters: [cluster(s)], connect: false, connectAdmin: false }), /so the policy grants nothing/],
    ['malformed CIDR', (s) => ({ clusters: [cluster(s)], conditions: { sourceIps: ['203.0.113.0/33'] } }),
      /^Stack\/Connect: conditions\.sourceIps has a prefix \/33 longer than 32 bits \(got "203\.0\.113\.0\/33"\)\. Give IPv4 or IPv6 CIDR blocks/],
    ['0.0.0.0/0', (s) => ({ clusters: [cluster(s)], conditions: { sourceIps: ['0.0.0.0/0'] } }),
      /conditions\.sourceIps admits every address, which is no restriction at all \(got "0\.0\.0\.0\/0"\)/],
    ['VPC id that is an endpoint id', (s) => ({ clusters: [cluster(s)], conditions: { sourceVpcIds: ['vpce-0123456789abcdef0'] } }),
      /^Stack\/Connect: conditions\.sourceVpcIds is not a VPC id \(got "vpce-0123456789abcdef0"\)\. Use a value such as "vpc-0123456789abcdef0"/],
    ['endpoint id that is a VPC id', (s) => ({ clusters: [cluster(s)], conditions: { sourceVpcEndpointIds: [VPC] } }),
      /conditions\.sourceVpcEndpointIds is not an interface VPC endpoint id \(got "vpc-0123456789abcdef0"\)/],
    ['principal that is not an IAM ARN', (s) => ({ clusters: [cluster(s)], conditions: { principalArns: ['app'] } }),
      /conditions\.principalArns is not an IAM role or user ARN \(got "app"\)/],
    ['empty list in conditions', (s) => ({ clusters: [cluster(s)], conditions: { sourceVpcIds: [] } }),
      /conditions\.sourceVpcIds is an empty list \(got \[\]\)\. Leave the property out, or list at least one value/],
    ['conditions that restrict nothing', (s) => ({ clusters: [cluster(s)], conditions: {} }),
      /^Stack\/Connect: conditions sets no condition, so it restricts nothing \(got \{\}\)\. Set at least one of/],
    ['blockPublicAccess with sourceIps', (s) => ({ clusters: [cluster(s)], conditions: { blockPublicAccess: true, sourceIps: ['203.0.113.0/24'] } }),
      /conditions\.blockPublicAccess contradicts sourceIps/],
    ['attachedPoliciesQuota below the IAM default', (s) => ({ clusters: [cluster(s)], attachedPoliciesQuota: 5 }),
      /^Stack\/Connect: attachedPoliciesQuota must be an integer from 10 \(the IAM default\) to 20 \(the most IAM allows after a quota increase\) \(got 5\)\. Give the quota/],
    ['attachedPoliciesQuota above the IAM maximum', (s) => ({ clusters: [cluster(s)], attachedPoliciesQuota: 21 }), /attachedPoliciesQuota must be an integer from 10 .*\(got 21\)/],
    ['attachedPoliciesQuota not an integer', (s) => ({ clusters: [cluster(s)], attachedPoliciesQuota: 12.5 }), /attachedPoliciesQuota must be an integer .*\(got 12\.5\)/],
    ['bad policy name', (s) => ({ clusters: [cluster(s)], managedPolicyName: 'has space' }),
      /^Stack\/Connect: managedPolicyName is not a valid IAM policy name of 1 to 121 characters \(got "has space"\)\. Use letters, digits/],
  ])('%s', (_name, props, message) => {
    expect(build(props)).toThrow(message);
  });

  test('tokens are accepted (checked at deploy time)', () => {
    const s = stack();
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const endpoint = vpc.addInterfaceEndpoint('Ep', { service: new ec2.InterfaceVpcEndpointService('com.amazonaws.us-east-1.dsql-abcd', 5432) });
    const app = role(s);
    expect(() => new DsqlConnectPolicy(s, 'Connect', {
      clusters: [new SecureDsqlCluster(s, 'Db')],
      conditions: { sourceVpcIds: [vpc.vpcId], sourceVpcEndpointIds: [endpoint.vpcEndpointId], principalArns: [app.roleArn] },
    })).not.toThrow();
  });
});

describe('quota: 6,144 characters per managed policy', () => {
  test('1,000 non-adjacent /32s cannot fit: fail naming the quota, the size and the fix', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    expect(() => new DsqlConnectPolicy(s, 'Connect', { clusters: [db], conditions: { sourceIps: scatteredIps(1000) } })).toThrow(
      new RegExp('^Stack/Connect: conditions renders a statement of \\d{5} characters, over the IAM managed policy quota of 6144 characters '
        + '\\(whitespace not counted\\), even for a single cluster and after merging adjacent and overlapping CIDR blocks '
        + '\\(got "1000 sourceIps, 0 sourceVpcIds, 0 sourceVpcEndpointIds"\\)\\. The allowed origins must stay in ONE Deny statement'),
    );
  });

  test('a long principal list fails with its own property and fix', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    const principalArns = Array.from({ length: 150 }, (_, i) => `arn:aws:iam::123456789012:role/application-role-${i}`);
    expect(() => new DsqlConnectPolicy(s, 'Connect', { clusters: [db], conditions: { principalArns } }))
      .toThrow(/^Stack\/Connect: conditions\.principalArns renders a statement of \d+ characters, over the IAM managed policy quota of 6144 .*\(got "150 principal ARNs"\)\. Use fewer principal ARNs/);
  });

  test('1,024 adjacent /32s merge into the one /22 they cover (never wider), with an info annotation', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    const ips = Array.from({ length: 1024 }, (_, i) => `198.18.${Math.floor(i / 256) + 4}.${i % 256}/32`);
    const policy = new DsqlConnectPolicy(s, 'Connect', { clusters: [db], conditions: { sourceIps: ips } });
    expect(policy.effectiveSourceIps).toEqual(['198.18.4.0/22']);
    expect(policy.managedPolicies).toHaveLength(1);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: { NotIpAddressIfExists: { 'aws:SourceIp': ['198.18.4.0/22'] } } })]) },
    });
    Annotations.fromStack(s).hasInfo('/Stack/Connect', Match.stringLikeRegexp('merged 1024 CIDR blocks into 1'));
  });

  test('a list that fits is written as given, not merged', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    const policy = new DsqlConnectPolicy(s, 'Connect', { clusters: [db], conditions: { sourceIps: ['198.18.4.0/24', '198.18.5.0/24'] } });
    expect(policy.effectiveSourceIps).toEqual(['198.18.4.0/24', '198.18.5.0/24']);
  });

  test('a token among the CIDRs prevents merging, so an over-quota list fails', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    const ips = Array.from({ length: 1024 }, (_, i) => `198.18.${Math.floor(i / 256) + 4}.${i % 256}/32`);
    const token = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1 }).vpcCidrBlock;
    expect(() => new DsqlConnectPolicy(s, 'Connect', { clusters: [db], conditions: { sourceIps: [...ips, token] } }))
      .toThrow(/conditions renders a statement of \d+ characters, over the IAM managed policy quota/);
  });

  test('statements that fit alone but not together go to two policies, the origin Deny whole in one of them', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    const ips = scatteredIps(250);
    const principalArns = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::123456789012:role/application-role-${i}`);
    const app = role(s);
    const policy = new DsqlConnectPolicy(s, 'Connect', { clusters: [db], roles: [app], conditions: { sourceIps: ips, principalArns } });
    expect(policy.managedPolicies).toHaveLength(2);
    const docs = Object.values(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy')).map((r: any) => r.Properties);
    const origin = docs.flatMap((d) => d.PolicyDocument.Statement).filter((x: any) => x.Sid === 'DenyUntrustedNetworkOrigin');
    expect(origin).toHaveLength(1);
    expect(origin[0].Condition.NotIpAddressIfExists['aws:SourceIp']).toEqual(ips);
    for (const d of docs) expect(d.Roles).toEqual([{ Ref: s.getLogicalId(app.node.defaultChild as iam.CfnRole) }]);
    for (const length of deployedLengths(s)) expect(length).toBeLessThanOrEqual(QUOTAS.managedPolicy);
    // ...and they would not have fitted in one.
    expect(deployedLengths(s).reduce((a, b) => a + b)).toBeGreaterThan(QUOTAS.managedPolicy);
    expect(docs.map((d) => d.Description)).toEqual([expect.stringMatching(/part 1 of 2; attach all parts/), expect.stringMatching(/part 2 of 2/)]);
    expect(() => policy.managedPolicy).toThrow(/^Stack\/Connect: managedPolicy is ambiguous: the statements were split across several managed policies .*\(got "2 managed policies"\)\. Use attachToRole/);
  });

  test('a statement too long for many clusters is cut by cluster, never by its condition values', () => {
    const s = stack();
    const clusters = Array.from({ length: 40 }, (_, i) => new SecureDsqlCluster(s, `Db${i}`));
    const ips = scatteredIps(200);
    const policy = new DsqlConnectPolicy(s, 'Connect', { clusters, conditions: { sourceIps: ips }, managedPolicyName: 'connect' });
    expect(policy.managedPolicies.length).toBeGreaterThan(1);
    const docs = Object.values(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy')).map((r: any) => r.Properties);
    const statements = docs.flatMap((d) => d.PolicyDocument.Statement);
    const origin = statements.filter((x: any) => x.Sid.endsWith('DenyUntrustedNetworkOrigin'));
    expect(origin.length).toBeGreaterThan(1);
    // Every part keeps the whole origin list, and together the parts cover every cluster exactly once.
    for (const o of origin) expect(o.Condition.NotIpAddressIfExists['aws:SourceIp']).toEqual(ips);
    const covered = origin.flatMap((o: any) => (Array.isArray(o.Resource) ? o.Resource : [o.Resource]).map((r: any) => r['Fn::GetAtt'][0]));
    expect(covered.sort()).toEqual(clusters.map((c) => s.getLogicalId(c.cfnCluster)).sort());
    const allowed = statements.filter((x: any) => x.Effect === 'Allow')
      .flatMap((o: any) => (Array.isArray(o.Resource) ? o.Resource : [o.Resource]).map((r: any) => r['Fn::GetAtt'][0]));
    expect(allowed.sort()).toEqual(clusters.map((c) => s.getLogicalId(c.cfnCluster)).sort());
    // Statement ids stay unique inside each policy; names get a -partN suffix.
    for (const d of docs) {
      const sids = d.PolicyDocument.Statement.map((x: any) => x.Sid);
      expect(new Set(sids).size).toBe(sids.length);
    }
    expect(docs.map((d) => d.ManagedPolicyName)).toEqual(['connect', ...docs.slice(1).map((_, i) => `connect-part${i + 2}`)]);
    for (const length of deployedLengths(s)) expect(length).toBeLessThanOrEqual(QUOTAS.managedPolicy);
  });

  test('more parts than the attachment quota fail at construction; attachedPoliciesQuota declares a raised one, 20 at most', () => {
    const s = stack();
    const imported = (n: number, tag: string) => Array.from({ length: n }, (_, i) =>
      SecureDsqlCluster.fromClusterIdentifier(s, `Imported${tag}${n}x${i}`, `cluster${String(i).padStart(19, '0')}`));
    // 360 /32s fill a statement so that only a few clusters fit beside them.
    const ips = scatteredIps(360);
    expect(() => new DsqlConnectPolicy(s, 'Many', { clusters: imported(40, 'a'), conditions: { sourceIps: ips } })).toThrow(
      /^Stack\/Many: conditions needs (1[1-9]|20) managed policies of 6144 characters, more than the 10 IAM attaches to one identity by default \(attachedPoliciesQuota; 20 at most after a quota increase\) .*or declare a raised quota with attachedPoliciesQuota\./);
    const policy = new DsqlConnectPolicy(s, 'Raised', { clusters: imported(40, 'b'), conditions: { sourceIps: ips }, attachedPoliciesQuota: 20 });
    expect(policy.managedPolicies.length).toBeGreaterThan(10);
    expect(policy.managedPolicies.length).toBeLessThanOrEqual(20);
    expect(() => new DsqlConnectPolicy(s, 'TooMany', { clusters: imported(80, 'c'), conditions: { sourceIps: ips }, attachedPoliciesQuota: 20 })).toThrow(
      /^Stack\/TooMany: conditions needs \d+ managed policies of 6144 characters, more than the 20 IAM attaches to one identity at most .*Name fewer clusters per policy/);
  });

  test('statements added after construction are checked at synth', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db');
    const policy = new DsqlConnectPolicy(s, 'Connect', { clusters: [db] });
    policy.managedPolicy.addStatements(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: Array.from({ length: 200 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/*`),
    }));
    expect(() => Template.fromStack(s)).toThrow(/Stack\/Connect\/Resource: statements make a managed policy over the IAM quota of 6144 characters \(whitespace not counted\) \(got "\d+ characters"\)/);
  });
});

describe('snapshot', () => {
  test('VPC plus approved principals, for an app role and an admin role', () => {
    const s = stack();
    const db = new SecureDsqlCluster(s, 'Db', { clusterName: 'orders' });
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const app = role(s, 'App');
    const admin = role(s, 'Admin');
    const conditions: DsqlConnectConditions = { sourceVpcIds: [vpc.vpcId], principalArns: [app.roleArn, admin.roleArn] };
    new DsqlConnectPolicy(s, 'AppConnect', { clusters: [db], roles: [app], conditions });
    new DsqlConnectPolicy(s, 'AdminConnect', { clusters: [db], connect: false, connectAdmin: true, roles: [admin], conditions });
    const policies = Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy');
    expect(policies).toMatchSnapshot();
  });
});
