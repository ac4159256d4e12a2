/**
 * Property: for random compositions of cluster conditions, endpoints (subnets, admitted clients, principal
 * lists, network ACLs) and clients (where they run, how they are granted, their security groups), the
 * access model never reports "allowed" where the independent judge (IAM evaluator + packets through the
 * synthesized rules) denies, nor a certain denial where the judge allows (the "cannot connect" warnings rest
 * on those). `ACCESS_PROPERTY_SEED=<n>` explores other compositions.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as fc from 'fast-check';
import { DsqlConnectPolicy, DsqlPrivateLinkEndpoint, SecureDsqlCluster } from '../src';
import { judge, routeOf, synthReport } from './support/access';
import { ENV, ResolvedTemplate } from './support/iam-eval';

type Group = 'app' | 'other' | 'endpoint';

interface ClientSpec {
  readonly runs: 'outside' | 'app' | 'other';
  readonly grant: 'grant' | 'policy' | 'policy-through-endpoint' | 'policy-excluding';
  readonly closedGroup: boolean;
}

interface EndpointSpec {
  readonly group: 'endpoint' | 'other';
  readonly admit: boolean[];
  readonly principals?: boolean[];
  readonly acl?: Group[];
}

interface Composition {
  readonly blockPublicAccess: boolean;
  readonly sourceVpc: boolean;
  readonly sourceIps: boolean;
  readonly principals?: boolean[];
  readonly clients: ClientSpec[];
  readonly endpoints: EndpointSpec[];
  readonly clientAclDropsReturn: boolean;
}

/** Mostly true: most generated wiring is meant to work, so that "allowed" verdicts are common enough to test. */
const likely = fc.constantFrom(true, true, true, false);
const rarely = fc.constantFrom(false, false, false, true);

const clientArb: fc.Arbitrary<ClientSpec> = fc.record({
  runs: fc.constantFrom('outside', 'app', 'app', 'other'),
  grant: fc.constantFrom('grant', 'grant', 'policy', 'policy-through-endpoint', 'policy-excluding'),
  closedGroup: rarely,
});

const mask = fc.array(likely, { minLength: 3, maxLength: 3 });

const compositionArb: fc.Arbitrary<Composition> = fc.record({
  blockPublicAccess: fc.boolean(),
  sourceVpc: fc.boolean(),
  sourceIps: rarely,
  principals: fc.option(mask, { nil: undefined, freq: 2 }),
  clients: fc.array(clientArb, { minLength: 1, maxLength: 3 }),
  endpoints: fc.array(fc.record({
    group: fc.constantFrom('endpoint', 'other'),
    admit: mask,
    principals: fc.option(mask, { nil: undefined, freq: 2 }),
    acl: fc.option(fc.subarray(['app', 'other', 'endpoint'] as Group[], { minLength: 1 }), { nil: undefined, freq: 2 }),
  }), { maxLength: 2 }),
  clientAclDropsReturn: rarely,
});

function build(c: Composition) {
  const app = new App();
  const stack = new Stack(app, 'P', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    subnetConfiguration: ['app', 'endpoint', 'other'].map((name) => ({ name, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 })),
  });
  const cidrs = (g: Group) => vpc.selectSubnets({ subnetGroupName: g }).subnets.map((s) => s.ipv4CidrBlock);
  const functions = c.clients.map((spec, i) => new lambda.Function(stack, `Fn${i}`, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    vpc: spec.runs === 'outside' ? undefined : vpc,
    vpcSubnets: spec.runs === 'outside' ? undefined : { subnetGroupName: spec.runs },
    securityGroups: spec.runs !== 'outside' && spec.closedGroup ? [new ec2.SecurityGroup(stack, `Closed${i}`, { vpc, allowAllOutbound: false })] : undefined,
  }));
  const pick = (m: boolean[] | undefined) => (m ? functions.filter((_, i) => m[i]).map((f) => f.role!.roleArn) : []);
  const clusterPrincipals = pick(c.principals);
  const cluster = new SecureDsqlCluster(stack, 'Db', {
    connectConditions: c.blockPublicAccess || c.sourceVpc || (c.sourceIps && !c.blockPublicAccess) || clusterPrincipals.length > 0 ? {
      blockPublicAccess: c.blockPublicAccess || undefined,
      sourceVpcIds: c.sourceVpc ? [vpc.vpcId] : undefined,
      sourceIps: c.sourceIps && !c.blockPublicAccess ? ['203.0.113.0/24'] : undefined,
      principalArns: clusterPrincipals.length > 0 ? clusterPrincipals : undefined,
    } : undefined,
  });
  const usedAclGroups = new Set<Group>();
  const endpoints = c.endpoints.map((e, i) => {
    const principals = pick(e.principals);
    // A subnet has one ACL: an ACL group already claimed (or the clients' own ACL) is left out.
    const acl = e.acl?.filter((g) => !usedAclGroups.has(e.group) && g !== e.group);
    const withAcl = acl !== undefined && acl.length > 0 && !usedAclGroups.has(e.group);
    if (withAcl) usedAclGroups.add(e.group);
    const endpoint = new DsqlPrivateLinkEndpoint(stack, `Endpoint${i}`, {
      vpc,
      cluster,
      vpcSubnets: { subnetGroupName: e.group },
      // One VPC holds one private-DNS endpoint per service (EC2 refuses a second, and so does the library at
      // synth); neither the model nor the judge reads private DNS.
      privateDnsEnabled: i === 0,
      allowedPrincipalArns: principals.length > 0 ? principals : undefined,
      networkAcl: withAcl ? { allowedCidrs: acl!.flatMap(cidrs) } : undefined,
    });
    functions.forEach((f, j) => {
      if (e.admit[j] && c.clients[j].runs !== 'outside') endpoint.allowFrom(f);
    });
    return endpoint;
  });
  if (c.clientAclDropsReturn && !usedAclGroups.has('app')) {
    const acl = new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetGroupName: 'app' } });
    acl.addEntry('Out', { ruleNumber: 100, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.tcpPort(5432), direction: ec2.TrafficDirection.EGRESS });
  }
  const clientPaths = functions.map((f, i) => {
    const spec = c.clients[i];
    if (spec.grant === 'grant') {
      cluster.grantConnect(f);
      return f.node.path;
    }
    const conditions = spec.grant === 'policy-excluding'
      ? { principalArns: ['arn:aws:iam::123456789012:role/nobody'] }
      : spec.grant === 'policy-through-endpoint' && endpoints.length > 0 ? { sourceVpcEndpointIds: [endpoints[0].vpcEndpointId] } : undefined;
    new DsqlConnectPolicy(stack, `Connect${i}`, { clusters: [cluster], conditions, roles: [f.role as iam.IRole] });
    return f.role!.node.path;
  });
  return { app, stack, cluster, functions, clientPaths, endpoints };
}

const counts = { allowed: 0, denied: 0, unknown: 0 };

test('the model never reports "allowed" where the independent judge denies, nor a certain denial where it allows', async () => {
  await fc.assert(fc.asyncProperty(compositionArb, async (c) => {
    const { app, stack, cluster, functions, clientPaths, endpoints } = build(c);
    const report = synthReport(app);
    const template = new ResolvedTemplate(stack);
    for (const [i, f] of functions.entries()) {
      for (const endpoint of [undefined, ...endpoints]) {
        const route = routeOf(report, cluster.node.path, clientPaths[i], endpoint ? endpoint.node.path : 'internet');
        if (route.unknown) counts.unknown++;
        else if (route.allowed) counts.allowed++;
        else counts.denied++;
        if (route.unknown) continue;
        const verdict = await judge({
          template,
          clusterId: stack.getLogicalId(cluster.node.defaultChild as CfnResource),
          functionId: stack.getLogicalId(f.node.defaultChild as CfnResource),
          endpointId: endpoint ? stack.getLogicalId(endpoint.endpoint.node.defaultChild as CfnResource) : undefined,
        });
        if (route.allowed && !verdict.allowed) {
          throw new Error(`${clientPaths[i]} via ${route.via}: the model allows, the judge denies (${[...verdict.layers].join(', ')}${verdict.partial ? ', partial' : ''})`);
        }
        // The other way round too: a certain denial (what the "cannot connect" warnings rest on) is a denial.
        if (!route.allowed && verdict.allowed) {
          throw new Error(`${clientPaths[i]} via ${route.via}: the model denies (${route.deniedBy.join(', ')}), the judge allows; ${route.reasons.join(' ')}`);
        }
      }
    }
  }), { numRuns: 150, seed: Number(process.env.ACCESS_PROPERTY_SEED ?? 20260519) });
  if (process.env.ACCESS_PROPERTY_VERBOSE) console.log(counts);
  // Not vacuous: the runs produced allowed, denied and unknown verdicts.
  expect(counts.allowed).toBeGreaterThan(0);
  expect(counts.denied).toBeGreaterThan(0);
  expect(counts.unknown).toBeGreaterThan(0);
}, 600_000);
