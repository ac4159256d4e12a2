/**
 * Decision tests of the whole-app access model: for each composition, the verdict the report gives per
 * client and route equals the verdict of an independent judge over the synthesized template (the IAM
 * evaluator of test/support/iam-eval.ts for the policies, concrete packets through the security groups and
 * network ACLs for the network), denying layers included.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DsqlConnectPolicy, DsqlPrivateLinkEndpoint, SecureDsqlCluster } from '../src';
import { Report, expectSameVerdict, judge, routeOf, synthReport } from './support/access';
import { ENV, ResolvedTemplate } from './support/iam-eval';

interface World {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
}

/** A VPC with three isolated subnet groups (app, endpoint, other) in two AZs, no NAT. */
function world(nat = false): World {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: nat ? 1 : 0,
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    subnetConfiguration: nat
      ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }, { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }]
      : ['app', 'endpoint', 'other'].map((name) => ({ name, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 })),
  });
  return { app, stack, vpc };
}

function fn(scope: Stack, id: string, vpc?: ec2.IVpc, subnetGroupName = 'app', securityGroups?: ec2.ISecurityGroup[]): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    vpc,
    vpcSubnets: vpc ? { subnetGroupName } : undefined,
    securityGroups,
  });
}

function lid(stack: Stack, c: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(c.node.defaultChild as CfnResource);
}

/**
 * Compare every client and route of `cluster`: the internet and each endpoint. Returns the report for
 * further assertions.
 */
async function verify(w: World, cluster: SecureDsqlCluster, clients: Array<lambda.IFunction | [lambda.IFunction, string]>,
  endpoints: DsqlPrivateLinkEndpoint[]): Promise<Report> {
  const report = synthReport(w.app);
  const template = new ResolvedTemplate(w.stack);
  for (const entry of clients) {
    // A client is a function (its path in the report), or a function and the path the report lists it
    // under (the role a connect policy is attached to, whose placement is that function's).
    const [client, path] = Array.isArray(entry) ? entry : [entry, entry.node.path];
    for (const endpoint of [undefined, ...endpoints]) {
      const via = endpoint ? endpoint.node.path : 'internet';
      const route = routeOf(report, cluster.node.path, path, via);
      const judgement = await judge({
        template,
        clusterId: lid(w.stack, cluster),
        functionId: lid(w.stack, client),
        endpointId: endpoint ? w.stack.getLogicalId(endpoint.endpoint.node.defaultChild as CfnResource) : undefined,
        action: actionOf(report, cluster, path),
      });
      expectSameVerdict(route, judgement, `${path} via ${via}`);
    }
  }
  return report;
}

function actionOf(report: Report, cluster: SecureDsqlCluster, path: string): string {
  const c = report.clusters.find((x) => x.path === cluster.node.path)!.clients.find((x) => x.path === path)!;
  expect(c.actions).toHaveLength(1);
  return c.actions[0];
}

const denied = (report: Report, cluster: SecureDsqlCluster, client: lambda.IFunction | string, via: string) =>
  routeOf(report, cluster.node.path, typeof client === 'string' ? client : client.node.path, via);

describe('the model decides like the independent judge', () => {
  test('1. block public access, one endpoint: the admitted client, one outside any VPC, one the endpoint does not admit', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const inVpc = fn(w.stack, 'InVpc', w.vpc);
    const outside = fn(w.stack, 'Outside');
    const notAdmitted = fn(w.stack, 'NotAdmitted', w.vpc);
    const endpoint = new DsqlPrivateLinkEndpoint(w.stack, 'Private', { vpc: w.vpc, cluster, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [inVpc] });
    for (const f of [inVpc, outside, notAdmitted]) cluster.grantConnect(f);
    const report = await verify(w, cluster, [inVpc, outside, notAdmitted], [endpoint]);
    expect(denied(report, cluster, inVpc, endpoint.node.path).allowed).toBe(true);
    expect(denied(report, cluster, inVpc, 'internet').deniedBy).toEqual(['cluster-policy', 'placement']);
    expect(denied(report, cluster, outside, endpoint.node.path).deniedBy).toEqual(['placement']);
    expect(denied(report, cluster, notAdmitted, endpoint.node.path).deniedBy).toEqual(['security-group']);
  });

  test('2. a principal allow-list on the cluster admits one function and denies the other', async () => {
    const w = world();
    const a = fn(w.stack, 'A');
    const b = fn(w.stack, 'B');
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { principalArns: [a.role!.roleArn] } });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' } }) as DsqlPrivateLinkEndpoint;
    cluster.grantConnect(a);
    cluster.grantConnect(b);
    const report = await verify(w, cluster, [a, b], [endpoint]);
    expect(denied(report, cluster, a, 'internet').allowed).toBe(true);
    expect(denied(report, cluster, b, 'internet').deniedBy).toEqual(['cluster-policy']);
  });

  test('3. a source-VPC condition: the client in that VPC gets through its endpoint, the client of another VPC nowhere', async () => {
    const w = world();
    const other = new ec2.Vpc(w.stack, 'Other', { maxAzs: 1, natGateways: 0, ipAddresses: ec2.IpAddresses.cidr('10.9.0.0/16'), subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { sourceVpcIds: [w.vpc.vpcId] } });
    const a = fn(w.stack, 'A', w.vpc);
    const b = fn(w.stack, 'B', other);
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [a] }) as DsqlPrivateLinkEndpoint;
    cluster.grantConnect(a);
    cluster.grantConnect(b);
    const report = await verify(w, cluster, [a, b], [endpoint]);
    expect(denied(report, cluster, a, endpoint.node.path).allowed).toBe(true);
    expect(denied(report, cluster, b, endpoint.node.path).deniedBy).toEqual(['placement']);
  });

  test('4. the endpoint policy admits one principal: the other is denied by the endpoint policy only', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const a = fn(w.stack, 'A', w.vpc);
    const b = fn(w.stack, 'B', w.vpc);
    const endpoint = cluster.addPrivateLinkEndpoint('Private', {
      vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [a, b], allowedPrincipalArns: [a.role!.roleArn],
    }) as DsqlPrivateLinkEndpoint;
    cluster.grantConnect(a);
    cluster.grantConnect(b);
    const report = await verify(w, cluster, [a, b], [endpoint]);
    expect(denied(report, cluster, a, endpoint.node.path).allowed).toBe(true);
    expect(denied(report, cluster, b, endpoint.node.path).deniedBy).toEqual(['endpoint-policy']);
  });

  test('5. a network ACL on the endpoint subnets, clients in two other subnets: the listed one passes, the other does not', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const a = fn(w.stack, 'A', w.vpc, 'app');
    const c = fn(w.stack, 'C', w.vpc, 'other');
    const appCidrs = w.vpc.selectSubnets({ subnetGroupName: 'app' }).subnets.map((s) => s.ipv4CidrBlock);
    const endpoint = cluster.addPrivateLinkEndpoint('Private', {
      vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [a, c], networkAcl: { allowedCidrs: appCidrs },
    }) as DsqlPrivateLinkEndpoint;
    cluster.grantConnect(a);
    cluster.grantConnect(c);
    const report = await verify(w, cluster, [a, c], [endpoint]);
    expect(denied(report, cluster, a, endpoint.node.path).allowed).toBe(true);
    expect(denied(report, cluster, c, endpoint.node.path).deniedBy).toEqual(['network-acl']);
  });

  test('6. the client subnet\'s own ACL lets the connection out but drops the return traffic', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const a = fn(w.stack, 'A', w.vpc, 'app');
    const acl = new ec2.NetworkAcl(w.stack, 'AppAcl', { vpc: w.vpc, subnetSelection: { subnetGroupName: 'app' } });
    acl.addEntry('Out5432', {
      ruleNumber: 100, cidr: ec2.AclCidr.ipv4('10.0.0.0/16'), traffic: ec2.AclTraffic.tcpPort(5432), direction: ec2.TrafficDirection.EGRESS, ruleAction: ec2.Action.ALLOW,
    });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [a] }) as DsqlPrivateLinkEndpoint;
    cluster.grantConnect(a);
    const report = await verify(w, cluster, [a], [endpoint]);
    const route = denied(report, cluster, a, endpoint.node.path);
    expect(route.deniedBy).toEqual(['network-acl']);
    expect(route.reasons.join(' ')).toMatch(/return traffic/);
  });

  test('7. one ACL on both the client and the endpoint subnets still filters the traffic between them', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const a = fn(w.stack, 'A', w.vpc, 'app');
    const shared = new ec2.NetworkAcl(w.stack, 'Shared', { vpc: w.vpc, subnetSelection: { subnets: [...w.vpc.selectSubnets({ subnetGroupName: 'app' }).subnets, ...w.vpc.selectSubnets({ subnetGroupName: 'endpoint' }).subnets] } });
    const vpcCidr = ec2.AclCidr.ipv4('10.0.0.0/16');
    shared.addEntry('In5432', { ruleNumber: 100, cidr: vpcCidr, traffic: ec2.AclTraffic.tcpPort(5432), direction: ec2.TrafficDirection.INGRESS });
    shared.addEntry('InReturn', { ruleNumber: 110, cidr: vpcCidr, traffic: ec2.AclTraffic.tcpPortRange(1024, 65535), direction: ec2.TrafficDirection.INGRESS });
    shared.addEntry('OutReturn', { ruleNumber: 100, cidr: vpcCidr, traffic: ec2.AclTraffic.tcpPortRange(1024, 65535), direction: ec2.TrafficDirection.EGRESS });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [a] }) as DsqlPrivateLinkEndpoint;
    cluster.grantConnect(a);
    const report = await verify(w, cluster, [a], [endpoint]);
    // The outbound rule 1024-65535 also covers the connection to 5432: both subnets pass everything needed.
    expect(denied(report, cluster, a, endpoint.node.path).allowed).toBe(true);
  });

  test('8. one ACL on both subnets, without the outbound rule the connection needs', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const a = fn(w.stack, 'A', w.vpc, 'app');
    const shared = new ec2.NetworkAcl(w.stack, 'Shared', { vpc: w.vpc, subnetSelection: { subnets: [...w.vpc.selectSubnets({ subnetGroupName: 'app' }).subnets, ...w.vpc.selectSubnets({ subnetGroupName: 'endpoint' }).subnets] } });
    const vpcCidr = ec2.AclCidr.ipv4('10.0.0.0/16');
    shared.addEntry('In5432', { ruleNumber: 100, cidr: vpcCidr, traffic: ec2.AclTraffic.tcpPort(5432), direction: ec2.TrafficDirection.INGRESS });
    shared.addEntry('InReturn', { ruleNumber: 110, cidr: vpcCidr, traffic: ec2.AclTraffic.tcpPortRange(32768, 65535), direction: ec2.TrafficDirection.INGRESS });
    shared.addEntry('OutReturn', { ruleNumber: 100, cidr: vpcCidr, traffic: ec2.AclTraffic.tcpPortRange(32768, 65535), direction: ec2.TrafficDirection.EGRESS });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [a] }) as DsqlPrivateLinkEndpoint;
    cluster.grantConnect(a);
    const report = await verify(w, cluster, [a], [endpoint]);
    expect(denied(report, cluster, a, endpoint.node.path).deniedBy).toEqual(['network-acl']);
  });

  test('9. the endpoint admits the VPC block, but the client\'s own security group has no outbound rule', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const closed = new ec2.SecurityGroup(w.stack, 'Closed', { vpc: w.vpc, allowAllOutbound: false });
    const a = fn(w.stack, 'A', w.vpc, 'app', [closed]);
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' } }) as DsqlPrivateLinkEndpoint;
    endpoint.allowFrom(ec2.Peer.ipv4('10.0.0.0/16'));
    cluster.grantConnect(a);
    const report = await verify(w, cluster, [a], [endpoint]);
    expect(denied(report, cluster, a, endpoint.node.path).deniedBy).toEqual(['security-group']);
  });

  test('10. a connect policy whose own conditions exclude the role it is attached to', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    // A named role: its ARN is known at synth (a generated name is not, and could be anything).
    const role = new iam.Role(w.stack, 'AppRole', { roleName: 'app', assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const a = new lambda.Function(w.stack, 'A', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), role,
    });
    new DsqlConnectPolicy(w.stack, 'Connect', {
      clusters: [cluster],
      conditions: { principalArns: ['arn:aws:iam::123456789012:role/app-old'] },
      roles: [role],
    });
    const report = await verify(w, cluster, [[a, a.role!.node.path]], []);
    expect(denied(report, cluster, a.role!.node.path, 'internet').deniedBy).toEqual(['identity']);
  });

  test('11. an explicit Deny in the client\'s identity policy wins over the grant', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    const a = fn(w.stack, 'A');
    const b = fn(w.stack, 'B');
    cluster.grantConnect(a);
    cluster.grantConnect(b);
    b.addToRolePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['dsql:*'], resources: ['*'] }));
    const report = await verify(w, cluster, [a, b], []);
    expect(denied(report, cluster, a, 'internet').allowed).toBe(true);
    expect(denied(report, cluster, b, 'internet').deniedBy).toEqual(['identity']);
  });

  test('12. a public cluster: a function outside any VPC gets through, one in an isolated VPC does not', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    const out = fn(w.stack, 'Out');
    const iso = fn(w.stack, 'Iso', w.vpc);
    cluster.grantConnect(out);
    cluster.grantConnect(iso);
    const report = await verify(w, cluster, [out, iso], []);
    expect(denied(report, cluster, out, 'internet').allowed).toBe(true);
    expect(denied(report, cluster, iso, 'internet').deniedBy).toEqual(['placement']);
  });

  test('13. a function in private subnets behind a NAT gateway reaches the public endpoint', async () => {
    const w = world(true);
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    const a = fn(w.stack, 'A', w.vpc, 'app');
    cluster.grantConnectAdmin(a);
    const report = await verify(w, cluster, [a], []);
    expect(denied(report, cluster, a, 'internet').allowed).toBe(true);
  });

  test('14. principal lists on the cluster and the endpoint, with the database-role handler admitted to both', async () => {
    const w = world();
    const a = fn(w.stack, 'A', w.vpc);
    const b = fn(w.stack, 'B', w.vpc);
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { blockPublicAccess: true, principalArns: [a.role!.roleArn] } });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', {
      vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [a, b], allowedPrincipalArns: [a.role!.roleArn],
    }) as DsqlPrivateLinkEndpoint;
    const role = cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint });
    role.grantConnect(a);
    role.grantConnect(b);
    const report = await verify(w, cluster, [a, b, role.handlerFunction], [endpoint]);
    expect(denied(report, cluster, role.handlerFunction, endpoint.node.path).allowed).toBe(true);
    expect(denied(report, cluster, b, endpoint.node.path).deniedBy).toEqual(['cluster-policy', 'endpoint-policy']);
  });

  test('15. a Deny for one principal added to the cluster policy', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    const a = fn(w.stack, 'A');
    const b = fn(w.stack, 'B');
    cluster.grantConnect(a);
    cluster.grantConnect(b);
    cluster.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['dsql:DbConnect'],
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': b.role!.roleArn } },
    }));
    const report = await verify(w, cluster, [a, b], []);
    expect(denied(report, cluster, a, 'internet').allowed).toBe(true);
    expect(denied(report, cluster, b, 'internet').deniedBy).toEqual(['cluster-policy']);
  });

  test('16. an identity policy conditioned on the endpoint: through it allowed, over the internet denied by the identity layer', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    const a = fn(w.stack, 'A', w.vpc);
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [a] }) as DsqlPrivateLinkEndpoint;
    new DsqlConnectPolicy(w.stack, 'Connect', { clusters: [cluster], conditions: { sourceVpcEndpointIds: [endpoint.vpcEndpointId] }, roles: [a.role!] });
    const report = await verify(w, cluster, [[a, a.role!.node.path]], [endpoint]);
    expect(denied(report, cluster, a.role!.node.path, endpoint.node.path).allowed).toBe(true);
    expect(denied(report, cluster, a.role!.node.path, 'internet').deniedBy).toEqual(['identity', 'placement']);
  });
});

describe('clients declared without the library', () => {
  test('21. a function whose own identity policy allows connecting (addToRolePolicy, a hand-written managed policy) is a client; one with other permissions is not', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const byStatement = fn(w.stack, 'ByStatement', w.vpc);
    byStatement.addToRolePolicy(new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: [cluster.clusterArn] }));
    const byManaged = fn(w.stack, 'ByManaged');
    byManaged.role!.addManagedPolicy(new iam.ManagedPolicy(w.stack, 'HandWritten', {
      document: iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dsql:DbConnect*', Resource: '*' }] }),
    }));
    const other = fn(w.stack, 'Other', w.vpc);
    other.addToRolePolicy(new iam.PolicyStatement({ actions: ['dsql:GetCluster', 's3:GetObject'], resources: ['*'] }));
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [byStatement] }) as DsqlPrivateLinkEndpoint;
    const report = synthReport(w.app);
    const clients = report.clusters.find((c) => c.path === cluster.node.path)!.clients;
    expect(clients.map((c) => [c.path, c.kinds, c.actions])).toEqual([
      ['S/ByStatement', ['identity-policy'], ['dsql:DbConnect']],
      ['S/ByManaged', ['identity-policy'], ['dsql:DbConnect', 'dsql:DbConnectAdmin']],
    ]);
    const template = new ResolvedTemplate(w.stack);
    for (const f of [byStatement, byManaged]) {
      for (const e of [undefined, endpoint]) {
        const via = e ? e.node.path : 'internet';
        const judgement = await judge({
          template, clusterId: lid(w.stack, cluster), functionId: lid(w.stack, f),
          endpointId: e ? w.stack.getLogicalId(e.endpoint.node.defaultChild as CfnResource) : undefined,
        });
        expectSameVerdict(routeOf(report, cluster.node.path, f.node.path, via), judgement, `${f.node.path} via ${via}`);
      }
    }
    expect(routeOf(report, cluster.node.path, byStatement.node.path, endpoint.node.path).allowed).toBe(true);
  });

  test('22. a raw AWS::DSQL::Cluster is listed under its own construct path', () => {
    const w = world();
    const raw = new CfnResource(w.stack, 'Raw', { type: 'AWS::DSQL::Cluster', properties: { DeletionProtectionEnabled: true } });
    const f = fn(w.stack, 'Client');
    f.addToRolePolicy(new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: [raw.getAtt('ResourceArn').toString()] }));
    new SecureDsqlCluster(w.stack, 'Db');
    const report = synthReport(w.app);
    expect(report.clusters.map((c) => c.path)).toEqual(['S/Raw', 'S/Db']);
    expect(report.clusters[0].clients.map((c) => c.path)).toEqual(['S/Client']);
    expect(report.clusters[1].clients).toEqual([]);
  });
});

describe('decided where the app says enough', () => {
  test('23. a principal allow-list that does not name a granted role with a generated name locks it out; the named role it lists gets through', async () => {
    const w = world();
    const named = new iam.Role(w.stack, 'AppRole', { roleName: 'app', assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const listed = new lambda.Function(w.stack, 'Listed', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), role: named,
    });
    const generated = fn(w.stack, 'Generated');
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { principalArns: ['arn:aws:iam::123456789012:role/app'] } });
    cluster.grantConnect(listed);
    cluster.grantConnect(generated);
    const report = await verify(w, cluster, [listed, generated], []);
    expect(denied(report, cluster, listed, 'internet').allowed).toBe(true);
    expect(denied(report, cluster, generated, 'internet').deniedBy).toEqual(['cluster-policy']);
    expect(report.findings.map((f) => [f.id, f.path])).toContainEqual(['secure-dsql:client-cannot-connect', 'S/Generated']);
  });
});

describe('ECS services: their placement is known (awsvpc subnets, security groups, task role)', () => {
  test('24. a Fargate service listed in allowedClients gets through the endpoint and not over the internet from isolated subnets; one with a public address in a public subnet reaches the public endpoint', () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    const ecsCluster = new ecs.Cluster(w.stack, 'Ecs', { vpc: w.vpc });
    const service = (id: string, vpc: ec2.IVpc, props: Partial<ecs.FargateServiceProps>) => {
      const taskDefinition = new ecs.FargateTaskDefinition(w.stack, `${id}Task`);
      taskDefinition.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest') });
      cluster.grantConnect(taskDefinition.taskRole);
      return new ecs.FargateService(w.stack, id, { cluster: vpc === w.vpc ? ecsCluster : new ecs.Cluster(w.stack, `${id}Cluster`, { vpc }), taskDefinition, ...props });
    };
    const isolated = service('Isolated', w.vpc, { vpcSubnets: { subnetGroupName: 'app' } });
    const publicVpc = new ec2.Vpc(w.stack, 'PublicVpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'pub', subnetType: ec2.SubnetType.PUBLIC }] });
    const exposed = service('Exposed', publicVpc, { assignPublicIp: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: w.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [isolated] });
    const report = synthReport(w.app);
    const isolatedRole = (isolated.taskDefinition.taskRole as iam.Role).node.path;
    const exposedRole = (exposed.taskDefinition.taskRole as iam.Role).node.path;
    expect(denied(report, cluster, isolatedRole, endpoint.node.path).allowed).toBe(true);
    expect(denied(report, cluster, isolatedRole, 'internet').deniedBy).toEqual(['placement']);
    expect(denied(report, cluster, exposedRole, 'internet').allowed).toBe(true);
    expect(denied(report, cluster, exposedRole, endpoint.node.path).deniedBy).toEqual(['placement']);
  });
});

describe('permissions boundaries: as the property and as the override PermissionsBoundary.of(x).apply() writes', () => {
  const boundaryOf = (stack: Stack, id: string, actions: string[]) => new iam.ManagedPolicy(stack, id, {
    statements: [new iam.PolicyStatement({ actions, resources: ['*'] })],
  });
  const roleFor = (stack: Stack, id: string, permissionsBoundary?: iam.IManagedPolicy) => new iam.Role(stack, id, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), permissionsBoundary,
  });
  const fnWith = (stack: Stack, id: string, role: iam.IRole) => new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), role,
  });

  test('19. a boundary that allows the action keeps the grant; one that allows no dsql: action denies, by identity', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    const dsqlOk = boundaryOf(w.stack, 'DsqlBoundary', ['dsql:DbConnect']);
    const s3Only = boundaryOf(w.stack, 'S3Boundary', ['s3:GetObject']);
    const kept = fn(w.stack, 'Kept');
    const byOverride = fn(w.stack, 'ByOverride');
    const byProperty = fnWith(w.stack, 'ByProperty', roleFor(w.stack, 'ByPropertyRole', s3Only));
    iam.PermissionsBoundary.of(kept).apply(dsqlOk);
    iam.PermissionsBoundary.of(byOverride).apply(s3Only);
    for (const f of [kept, byOverride, byProperty]) cluster.grantConnect(f);
    // The override is what the template carries; the L1 property stays unset.
    expect((byOverride.role!.node.defaultChild as iam.CfnRole).permissionsBoundary).toBeUndefined();
    const report = await verify(w, cluster, [kept, byOverride, byProperty], []);
    expect(denied(report, cluster, kept, 'internet').allowed).toBe(true);
    expect(denied(report, cluster, byOverride, 'internet').deniedBy).toEqual(['identity']);
    expect(denied(report, cluster, byProperty, 'internet').deniedBy).toEqual(['identity']);
    expect(denied(report, cluster, byOverride, 'internet').reasons.join()).toMatch(/the permissions boundary S\/S3Boundary of S\/ByOverride does not allow dsql:DbConnect/);
  });

  test('20. a resource-policy grant to the role\'s ARN is limited by the boundary; one to every principal of the account (its session) is not', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    const s3Only = boundaryOf(w.stack, 'S3Boundary', ['s3:GetObject']);
    const toArn = fnWith(w.stack, 'ToArn', roleFor(w.stack, 'ToArnRole', s3Only));
    const toSession = fnWith(w.stack, 'ToSession', roleFor(w.stack, 'ToSessionRole'));
    iam.PermissionsBoundary.of(toSession).apply(s3Only);
    const unbounded = fnWith(w.stack, 'Unbounded', roleFor(w.stack, 'UnboundedRole'));
    for (const f of [toArn, toSession, unbounded]) cluster.grantConnect(f);
    // An escape hatch (the library refuses Allow to `*`): the access model reads the override.
    cluster.cfnCluster.addPropertyOverride('PolicyDocument', w.stack.toJsonString({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ToRoleArns', Effect: 'Allow', Principal: { AWS: [toArn.role!.roleArn, unbounded.role!.roleArn] }, Action: 'dsql:DbConnect', Resource: '*' },
        { Sid: 'ToSession', Effect: 'Allow', Principal: '*', Action: 'dsql:DbConnect', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalArn': toSession.role!.roleArn } } },
      ],
    }));
    const report = await verify(w, cluster, [toArn, toSession, unbounded], []);
    expect(denied(report, cluster, toArn, 'internet').deniedBy).toEqual(['identity']);
    expect(denied(report, cluster, toSession, 'internet').allowed).toBe(true);
    expect(denied(report, cluster, unbounded, 'internet').allowed).toBe(true);
  });
});

describe('what the model cannot know stays unknown', () => {
  test('a source-IP allow-list: the public address of a client is decided at run time', async () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db', { connectConditions: { sourceIps: ['203.0.113.0/24'] } });
    const a = fn(w.stack, 'A');
    cluster.grantConnect(a);
    const report = synthReport(w.app);
    const route = routeOf(report, cluster.node.path, a.node.path, 'internet');
    expect(route).toMatchObject({ allowed: false, unknown: true, deniedBy: [] });
  });

  test('a role no function of the app uses: placement unknown, never allowed', () => {
    const w = world();
    const cluster = new SecureDsqlCluster(w.stack, 'Db');
    const role = new iam.Role(w.stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    cluster.grantConnect(role);
    const report = synthReport(w.app);
    const route = routeOf(report, cluster.node.path, role.node.path, 'internet');
    expect(route).toMatchObject({ allowed: false, unknown: true });
    expect(route.reasons.join(' ')).toMatch(/where S\/Role runs is not known/);
  });

  test('an imported cluster without declared conditions: its resource policy is unknown', () => {
    const w = world();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(w.stack, 'Imported', 'abcdefghijklmnopqrstuvwxyz');
    const a = fn(w.stack, 'A');
    cluster.grantConnect(a);
    const report = synthReport(w.app);
    const route = routeOf(report, cluster.node.path, a.node.path, 'internet');
    expect(route).toMatchObject({ allowed: false, unknown: true });
    expect(route.reasons.join(' ')).toMatch(/declare connectConditions/);
  });

  test('an imported cluster with declared conditions is judged by them', () => {
    const w = world();
    const cluster = SecureDsqlCluster.fromClusterAttributes(w.stack, 'Imported', {
      clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', connectConditions: { blockPublicAccess: true },
    });
    const a = fn(w.stack, 'A');
    cluster.grantConnect(a);
    const report = synthReport(w.app);
    expect(routeOf(report, cluster.node.path, a.node.path, 'internet').deniedBy).toEqual(['cluster-policy']);
  });
});

describe('across stacks and environments', () => {
  test('17. a cluster in one stack, its endpoint and clients in another (cross-stack references)', () => {
    const app = new App();
    const data = new Stack(app, 'Data', { env: ENV });
    const apps = new Stack(app, 'Apps', { env: ENV });
    const vpc = new ec2.Vpc(apps, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = new SecureDsqlCluster(data, 'Db', { connectConditions: { blockPublicAccess: true } });
    const a = fn(apps, 'A', vpc);
    const b = fn(apps, 'B', vpc);
    const endpoint = new DsqlPrivateLinkEndpoint(apps, 'Private', { vpc, cluster, allowedClients: [a] });
    cluster.grantConnect(a);
    cluster.grantConnect(b);
    const report = synthReport(app);
    expect(routeOf(report, 'Data/Db', 'Apps/A', endpoint.node.path)).toMatchObject({ allowed: true, unknown: false });
    expect(routeOf(report, 'Data/Db', 'Apps/B', endpoint.node.path).deniedBy).toEqual(['security-group']);
    expect(routeOf(report, 'Data/Db', 'Apps/A', 'internet').deniedBy).toEqual(['cluster-policy', 'placement']);
  });

  test('18. environment-agnostic stacks: a role of the same stack is still judged; the account is compared symbolically', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const cluster = new SecureDsqlCluster(stack, 'Db');
    const a = fn(stack, 'A');
    cluster.grantConnect(a);
    const report = synthReport(app);
    expect(routeOf(report, 'Agnostic/Db', 'Agnostic/A', 'internet')).toMatchObject({ allowed: true });
  });
});
