/**
 * Policy and rule sizes the library produces for growing allow-lists, next to the AWS quotas they must fit.
 *
 * Sizes are measured on the synthesized template, independently of the library's own quota checks:
 * - policies: compact JSON (whitespace not counted, as IAM counts), every CloudFormation intrinsic replaced by
 *   a realistic value of its resolved length (a cluster ARN, a VPC id…);
 * - NACL entries per direction and security-group rules per direction, counted as resources and inline rules.
 * When the library refuses the input at synth time, the cell says so with the library's message.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BENCH_ENV, LIBRARY } from './units';

export const QUOTAS = {
  managedPolicy: 6_144,
  clusterPolicy: 20_480,
  endpointPolicy: 20_480,
  naclDefault: 20,
  naclMax: 40,
  securityGroupRules: 60,
};

/** Distinct public /24 blocks that no two of which are adjacent (so CIDR merging cannot shrink the list). */
export function trustedCidrs(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${20 + Math.floor(i / 128)}.${(i % 128) * 2}.10.0/24`);
}

/**
 * Distinct private /24 blocks (10.0.0.0/8), no two adjacent: the client networks of the endpoint's security
 * group and network ACL, which only admit private ranges.
 */
export function privateCidrs(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `10.${Math.floor(i / 128)}.${(i % 128) * 2}.0/24`);
}

export function principalArns(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `arn:aws:iam::${BENCH_ENV.account}:role/app-role-${String(i).padStart(4, '0')}`);
}

/** A measured value next to its quota, or why there is none. */
export type Cell =
  | { kind: 'size'; value: number; quota: number; note?: string }
  | { kind: 'rejected'; message: string }
  | { kind: 'n/a'; why: string };

export interface QuotaRow {
  readonly input: string;
  readonly clusterPolicy: Cell;
  readonly managedPolicy: Cell;
  readonly endpointPolicy: Cell;
  readonly naclRules: Cell;
  readonly securityGroupRules: Cell;
}

const REALISTIC: Record<string, string> = {
  ResourceArn: 'arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz',
  Identifier: 'abcdefghijklmnopqrstuvwxyz',
  VpcEndpointServiceName: 'com.amazonaws.us-east-1.dsql-fnh4',
  Arn: 'arn:aws:iam::123456789012:role/BenchStack-AppRole0123456789ABCDEF-0123456789AB',
};

/** The realistic resolved value of a CloudFormation intrinsic (a string), or undefined for a non-intrinsic. */
function resolveIntrinsic(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const v = (value as Record<string, any>)[keys[0]];
  switch (keys[0]) {
    case 'Ref': return 'vpc-0123456789abcdef0';
    case 'Fn::GetAtt': return REALISTIC[v[1]] ?? 'x'.repeat(64);
    case 'Fn::Join': return (v[1] as unknown[]).map(p => (typeof p === 'string' ? p : resolveIntrinsic(p) ?? JSON.stringify(p))).join(v[0]);
    default: return keys[0].startsWith('Fn::') ? 'x'.repeat(64) : undefined;
  }
}

/** Replace intrinsics with strings of their realistic resolved length, then measure compact JSON. */
export function compactLength(document: unknown): number {
  return JSON.stringify(document, (_key, value) => resolveIntrinsic(value) ?? value).length;
}

/** A cluster policy is a JSON string in the template (or a Fn::Join when it contains tokens). */
function clusterPolicyLength(policy: unknown): number {
  const text = typeof policy === 'string' ? policy : resolveIntrinsic(policy);
  if (text === undefined) throw new Error(`unexpected PolicyDocument ${JSON.stringify(policy).slice(0, 100)}`);
  return JSON.stringify(JSON.parse(text)).length;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // Synth validation errors come as "Validation failed with the following errors:" and then one per line.
  const lines = message.split('\n').map(l => l.trim()).filter(l => l.length > 0 && !/^Validation failed/.test(l));
  const line = (lines[0] ?? message).replace(/^\[[^\]]*\]\s*/, '');
  return line.length > 220 ? `${line.slice(0, 217)}...` : line;
}

function scenario<T>(build: (stack: Stack) => T, measure: (template: any, built: T, stack: Stack) => Cell): Cell {
  try {
    const app = new App();
    const stack = new Stack(app, 'Quota', { env: BENCH_ENV });
    const built = build(stack);
    const template = app.synth().getStackByName(stack.stackName).template;
    return measure(template, built, stack);
  } catch (e) {
    return { kind: 'rejected', message: firstLine(e) };
  }
}

function resourcesOfType(template: any, type: string): [string, any][] {
  return Object.entries<any>(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

function needs(...names: string[]): Cell | undefined {
  const missing = names.filter(n => typeof LIBRARY[n] !== 'function');
  return missing.length ? { kind: 'n/a', why: `${missing.join(', ')} not exported from src/index.ts yet` } : undefined;
}

function vpcAndCluster(stack: Stack, conditions?: Record<string, unknown>) {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const cluster = new LIBRARY.SecureDsqlCluster(stack, 'Cluster', conditions ? { connectConditions: conditions } : {});
  return { vpc, cluster };
}

function measureClusterPolicy(conditions: Record<string, unknown>): Cell {
  return needs('SecureDsqlCluster') ?? scenario(stack => vpcAndCluster(stack, conditions), template => {
    const [[, cluster]] = resourcesOfType(template, 'AWS::DSQL::Cluster');
    return { kind: 'size', value: clusterPolicyLength(cluster.Properties.PolicyDocument), quota: QUOTAS.clusterPolicy };
  });
}

function measureManagedPolicy(conditions: Record<string, unknown>): Cell {
  return needs('SecureDsqlCluster', 'DsqlConnectPolicy') ?? scenario(stack => {
    const { cluster } = vpcAndCluster(stack);
    const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    return new LIBRARY.DsqlConnectPolicy(stack, 'Connect', { clusters: [cluster], conditions, roles: [role] });
  }, template => {
    const policies = resourcesOfType(template, 'AWS::IAM::ManagedPolicy').map(([, r]) => compactLength(r.Properties.PolicyDocument));
    const note = policies.length > 1 ? `split into ${policies.length} policies` : undefined;
    return { kind: 'size', value: Math.max(...policies), quota: QUOTAS.managedPolicy, note };
  });
}

type EndpointInput = { allowedPrincipalArns?: string[]; cidrs?: string[] };

function buildEndpoint(stack: Stack, input: EndpointInput, withNacl: boolean, cidrsAsClients: boolean) {
  const { vpc, cluster } = vpcAndCluster(stack);
  const props: Record<string, unknown> = { vpc, cluster };
  if (input.allowedPrincipalArns) props.allowedPrincipalArns = input.allowedPrincipalArns;
  if (input.cidrs && cidrsAsClients) props.allowedClients = input.cidrs.map(c => ec2.Peer.ipv4(c));
  if (input.cidrs && withNacl) props.networkAcl = { allowedCidrs: input.cidrs };
  return new LIBRARY.DsqlPrivateLinkEndpoint(stack, 'Endpoint', props);
}

function measureEndpointPolicy(input: EndpointInput): Cell {
  return needs('SecureDsqlCluster', 'DsqlPrivateLinkEndpoint') ?? scenario(stack => buildEndpoint(stack, input, false, false), template => {
    const endpoints = resourcesOfType(template, 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.PolicyDocument);
    if (endpoints.length === 0) return { kind: 'n/a', why: 'no endpoint policy' };
    return { kind: 'size', value: Math.max(...endpoints.map(([, r]) => compactLength(r.Properties.PolicyDocument))), quota: QUOTAS.endpointPolicy };
  });
}

function measureNacl(cidrs: string[]): Cell {
  return needs('SecureDsqlCluster', 'DsqlPrivateLinkEndpoint') ?? scenario(stack => buildEndpoint(stack, { cidrs }, true, false), template => {
    const entries = resourcesOfType(template, 'AWS::EC2::NetworkAclEntry').map(([, r]) => r.Properties);
    if (entries.length === 0) return { kind: 'n/a', why: 'no network ACL entries' };
    // Per ACL and direction: the quota applies to each ACL separately.
    const perDirection = new Map<string, number>();
    for (const e of entries) {
      const key = `${JSON.stringify(e.NetworkAclId)} ${e.Egress ? 'out' : 'in'}`;
      perDirection.set(key, (perDirection.get(key) ?? 0) + 1);
    }
    const inbound = Math.max(0, ...[...perDirection].filter(([k]) => k.endsWith(' in')).map(([, v]) => v));
    const outbound = Math.max(0, ...[...perDirection].filter(([k]) => k.endsWith(' out')).map(([, v]) => v));
    return { kind: 'size', value: Math.max(inbound, outbound), quota: QUOTAS.naclDefault, note: `in ${inbound} / out ${outbound}; max ${QUOTAS.naclMax}` };
  });
}

function measureSecurityGroup(cidrs: string[]): Cell {
  return needs('SecureDsqlCluster', 'DsqlPrivateLinkEndpoint') ?? scenario(stack => buildEndpoint(stack, { cidrs }, false, true), (template, endpoint, stack) => {
    const sg = endpoint.securityGroup as ec2.ISecurityGroup | undefined;
    if (!sg) return { kind: 'n/a', why: 'endpoint has no securityGroup member' };
    const cfn = sg.node.defaultChild as ec2.CfnSecurityGroup;
    const id = stack.resolve(cfn.logicalId);
    const refersToSg = (v: unknown) => JSON.stringify(v) === JSON.stringify({ 'Fn::GetAtt': [id, 'GroupId'] });
    const props = template.Resources[id].Properties;
    const inbound = (props.SecurityGroupIngress ?? []).length
      + resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => refersToSg(r.Properties.GroupId)).length;
    const outbound = (props.SecurityGroupEgress ?? []).filter((r: any) => r.CidrIp !== '255.255.255.255/32').length
      + resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress').filter(([, r]) => refersToSg(r.Properties.GroupId)).length;
    return { kind: 'size', value: Math.max(inbound, outbound), quota: QUOTAS.securityGroupRules, note: `in ${inbound} / out ${outbound}` };
  });
}

export function runQuotaBench(cidrCounts: readonly number[], principalCounts: readonly number[]): QuotaRow[] {
  const rows: QuotaRow[] = [];
  for (const n of cidrCounts) {
    const cidrs = trustedCidrs(n);
    rows.push({
      input: `${n.toLocaleString('en-US')} trusted CIDRs`,
      clusterPolicy: measureClusterPolicy({ sourceIps: cidrs }),
      managedPolicy: measureManagedPolicy({ sourceIps: cidrs }),
      endpointPolicy: { kind: 'n/a', why: 'CIDRs are not part of the endpoint policy' },
      naclRules: measureNacl(privateCidrs(n)),
      securityGroupRules: measureSecurityGroup(privateCidrs(n)),
    });
  }
  for (const n of principalCounts) {
    const arns = principalArns(n);
    rows.push({
      input: `${n.toLocaleString('en-US')} principals`,
      clusterPolicy: measureClusterPolicy({ principalArns: arns }),
      managedPolicy: measureManagedPolicy({ principalArns: arns }),
      endpointPolicy: measureEndpointPolicy({ allowedPrincipalArns: arns }),
      naclRules: { kind: 'n/a', why: 'principals are not network rules' },
      securityGroupRules: { kind: 'n/a', why: 'principals are not network rules' },
    });
  }
  return rows;
}
