/**
 * Test support for the access model: read the report an app writes at synth, and judge the same client
 * and route independently of the model, from the synthesized template:
 * - IAM: the independent evaluator of `iam-eval.ts` over the identity policies, the cluster policy and the
 *   endpoint policy (each layer alone, to name the ones that deny, and all together);
 * - network: concrete packets (a client address, an endpoint address, sample ephemeral ports) pushed
 *   through the security-group rules and the network ACL entries of the template, first match by rule
 *   number, both subnets, both directions.
 * This is deliberately a different method from the model's (symbolic values, whole ranges at once).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Decision, PolicySet, ResolvedTemplate, decide } from './iam-eval';
import { parseCidr } from '../../src/private/cidr';

export type Layer = 'identity' | 'cluster-policy' | 'endpoint-policy' | 'security-group' | 'network-acl' | 'placement';

export interface ReportRoute {
  readonly via: string;
  readonly allowed: boolean;
  readonly deniedBy: Layer[];
  readonly unknown: boolean;
  readonly reasons: string[];
}

export interface ReportClient {
  readonly path: string;
  readonly actions: string[];
  readonly kinds: string[];
  readonly routes: ReportRoute[];
}

export interface Report {
  readonly version: number;
  readonly clusters: Array<{ path: string; clients: ReportClient[] }>;
  readonly findings: Array<{ level: string; id: string; path: string; message: string }>;
  readonly stats: { analysisMs: number };
}

/** Synthesize and read `dsql-access-report.json`. */
export function synthReport(app: App): Report {
  const assembly = app.synth();
  return JSON.parse(fs.readFileSync(path.join(assembly.directory, 'dsql-access-report.json'), 'utf-8'));
}

export function clientOf(report: Report, clusterPath: string, clientPath: string): ReportClient {
  const cluster = report.clusters.find((c) => c.path === clusterPath);
  if (!cluster) throw new Error(`no cluster ${clusterPath} in the report: ${report.clusters.map((c) => c.path).join(', ')}`);
  const client = cluster.clients.find((c) => c.path === clientPath);
  if (!client) throw new Error(`no client ${clientPath} of ${clusterPath}: ${cluster.clients.map((c) => c.path).join(', ')}`);
  return client;
}

export function routeOf(report: Report, clusterPath: string, clientPath: string, via: string): ReportRoute {
  const client = clientOf(report, clusterPath, clientPath);
  const route = client.routes.find((r) => r.via === via);
  if (!route) throw new Error(`no route ${via} for ${clientPath}: ${client.routes.map((r) => r.via).join(', ')}`);
  return route;
}

export interface Judgement {
  /** The whole decision: every layer allows. */
  readonly allowed: boolean;
  /** The layers that deny (each judged alone). */
  readonly layers: Set<Layer>;
  /** Some packets pass and some do not (part of the client's or endpoint's subnets). */
  readonly partial: boolean;
}

const PUBLIC_SAMPLE = '198.51.100.10';
const EPHEMERAL_SAMPLES = [1024, 33000, 65535];

function ipToBig(ip: string): bigint {
  return ip.split('.').reduce((a, p) => (a << 8n) | BigInt(Number(p)), 0n);
}

function bigToIp(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
}

function inCidr(ip: string, cidr: string): boolean {
  if (cidr.includes(':')) return false;
  const c = parseCidr(cidr);
  const v = ipToBig(ip);
  return c.start <= v && v <= c.end;
}

/** An address inside a subnet (the `n`-th host). */
function hostIn(cidr: string, n: number): string {
  return bigToIp(parseCidr(cidr).start + BigInt(n));
}

/** The network facts of a template, resolved with fake ids. */
class Network {
  constructor(private readonly r: ResolvedTemplate) {}

  private res(type: string): Array<[string, any]> {
    return Object.entries<any>(this.r.json.Resources).filter(([, x]) => x.Type === type);
  }

  /** Logical id of the resource a (fake) physical id belongs to. */
  public lidOf(physical: string): string {
    for (const id of Object.keys(this.r.json.Resources)) if (this.r.ref(id) === physical) return id;
    return physical;
  }

  public subnetCidr(subnetId: string): string {
    return this.r.json.Resources[this.lidOf(subnetId)].Properties.CidrBlock;
  }

  public subnetVpc(subnetId: string): string {
    return this.r.json.Resources[this.lidOf(subnetId)].Properties.VpcId;
  }

  /** The ACL entries of the subnet's ACL, or undefined for the default ACL (everything allowed). */
  private aclEntries(subnetId: string): any[] | undefined {
    const assoc = this.res('AWS::EC2::SubnetNetworkAclAssociation').find(([, a]) => a.Properties.SubnetId === subnetId);
    if (!assoc) return undefined;
    const acl = assoc[1].Properties.NetworkAclId;
    return this.res('AWS::EC2::NetworkAclEntry').map(([, e]) => e.Properties).filter((e) => e.NetworkAclId === acl)
      .sort((a, b) => a.RuleNumber - b.RuleNumber);
  }

  /** Whether one TCP packet crosses the subnet's ACL (`peer`: source when inbound, destination when outbound). */
  public aclPasses(subnetId: string, egress: boolean, peer: string, port: number): boolean {
    const entries = this.aclEntries(subnetId);
    if (!entries) return true;
    for (const e of entries) {
      if (Boolean(e.Egress) !== egress) continue;
      const protocol = Number(e.Protocol);
      if (protocol !== -1 && protocol !== 6) continue;
      if (!e.CidrBlock || !inCidr(peer, e.CidrBlock)) continue;
      if (protocol === 6 && !(e.PortRange.From <= port && port <= e.PortRange.To)) continue;
      return e.RuleAction === 'allow';
    }
    return false;
  }

  /** Every rule of a security group, inline and separate. */
  private rules(groupId: string, egress: boolean): any[] {
    const lid = this.lidOf(groupId);
    const props = this.r.json.Resources[lid]?.Properties ?? {};
    const inline = (egress ? props.SecurityGroupEgress : props.SecurityGroupIngress) ?? [];
    const separate = this.res(egress ? 'AWS::EC2::SecurityGroupEgress' : 'AWS::EC2::SecurityGroupIngress')
      .map(([, x]) => x.Properties).filter((p) => p.GroupId === groupId);
    const all = [...inline, ...separate];
    if (egress && !props.SecurityGroupEgress) all.push({ IpProtocol: '-1', CidrIp: '0.0.0.0/0' });
    return all;
  }

  /** Whether any of the groups lets TCP `port` out to (or in from) the peer address / peer groups. */
  public sgPasses(groups: string[], egress: boolean, port: number, peerIp: string, peerGroups: string[]): boolean {
    return groups.some((g) => this.rules(g, egress).some((rule) => {
      const proto = String(rule.IpProtocol);
      const portOk = proto === '-1' || ((proto === 'tcp' || proto === '6') && rule.FromPort <= port && port <= rule.ToPort);
      if (!portOk) return false;
      const peerGroup = egress ? rule.DestinationSecurityGroupId : rule.SourceSecurityGroupId;
      if (peerGroup) return peerGroups.includes(peerGroup);
      return typeof rule.CidrIp === 'string' && inCidr(peerIp, rule.CidrIp);
    }));
  }

  /** Whether the subnet has a default route through a NAT gateway, and the NAT's subnet. */
  public natOf(subnetId: string): string | undefined {
    const assoc = this.res('AWS::EC2::SubnetRouteTableAssociation').find(([, a]) => a.Properties.SubnetId === subnetId);
    if (!assoc) return undefined;
    const route = this.res('AWS::EC2::Route').map(([, x]) => x.Properties)
      .find((p) => p.RouteTableId === assoc[1].Properties.RouteTableId && p.DestinationCidrBlock === '0.0.0.0/0' && p.NatGatewayId);
    if (!route) return undefined;
    return this.r.json.Resources[this.lidOf(route.NatGatewayId)].Properties.SubnetId;
  }
}

export interface JudgeInput {
  readonly template: ResolvedTemplate;
  readonly clusterId: string;
  /** The client: a Lambda function's logical id. */
  readonly functionId: string;
  /** The route: an interface endpoint's logical id, or undefined for the public endpoint. */
  readonly endpointId?: string;
  readonly action?: string;
}

/** Judge one client over one route, independently of the model. */
export async function judge(input: JudgeInput): Promise<Judgement> {
  const r = input.template;
  const fn = r.json.Resources[input.functionId].Properties;
  const roleId: string = r.resources[input.functionId].Properties.Role['Fn::GetAtt'][0];
  const principal = r.roleArn(roleId);
  const resource = r.clusterArn(input.clusterId);
  const action = input.action ?? 'dsql:DbConnect';
  const identityPolicies = r.identityPolicies(roleId);
  // With a boundary, the request is signed by the role's session (what decides whether a resource-policy
  // grant to the role's ARN is limited by the boundary).
  const permissionsBoundary = r.permissionsBoundary(roleId);
  const session = permissionsBoundary ? principal.replace(/^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/, 'arn:aws:sts::$1:assumed-role/$2/session') : undefined;
  const resourcePolicy = r.clusterPolicy(input.clusterId);
  const endpoint = input.endpointId ? r.json.Resources[input.endpointId].Properties : undefined;
  const endpointPolicy = endpoint ? r.endpointPolicy(input.endpointId) : undefined;
  const request = endpoint
    ? { principal, session, resource, action, sourceVpc: endpoint.VpcId, sourceVpce: r.ref(input.endpointId!) }
    : { principal, session, resource, action, sourceIp: PUBLIC_SAMPLE };

  const layers = new Set<Layer>();
  const alone = (p: PolicySet): Promise<Decision> => decide(p, request);
  const identity = await alone({ identityPolicies, permissionsBoundary });
  const cluster = resourcePolicy ? await alone({ resourcePolicy, permissionsBoundary }) : 'ImplicitlyDenied';
  if (identity === 'ExplicitlyDenied' || (identity !== 'Allowed' && cluster !== 'Allowed')) layers.add('identity');
  if (cluster === 'ExplicitlyDenied') layers.add('cluster-policy');
  // The endpoint policy alone: evaluated like a resource policy, it must allow the request and not deny it.
  if (endpointPolicy && (await alone({ resourcePolicy: endpointPolicy })) !== 'Allowed') layers.add('endpoint-policy');
  const whole = await decide({ identityPolicies, resourcePolicy, endpointPolicy, permissionsBoundary }, request);
  const iamLayers = new Set(layers);
  if ((whole === 'Allowed') !== (iamLayers.size === 0)) {
    throw new Error(`the per-layer judgement (${[...iamLayers].join(', ')}) disagrees with the whole decision (${whole})`);
  }

  // Network: where the function runs.
  const net = new Network(r);
  const vpcConfig = fn.VpcConfig;
  let partial = false;
  if (!vpcConfig) {
    if (endpoint) layers.add('placement');
  } else {
    const subnets: string[] = vpcConfig.SubnetIds;
    const groups: string[] = vpcConfig.SecurityGroupIds;
    const pairLayers: Array<Set<Layer>> = [];
    if (!endpoint) {
      for (const s of subnets) {
        const l = new Set<Layer>();
        const nat = net.natOf(s);
        if (!nat) l.add('placement');
        if (!net.sgPasses(groups, true, 5432, PUBLIC_SAMPLE, [])) l.add('security-group');
        const clientIp = hostIn(net.subnetCidr(s), 10);
        const hops = [net.aclPasses(s, true, PUBLIC_SAMPLE, 5432), ...EPHEMERAL_SAMPLES.map((p) => net.aclPasses(s, false, PUBLIC_SAMPLE, p))];
        if (nat && nat !== s) {
          hops.push(net.aclPasses(nat, false, clientIp, 5432), net.aclPasses(nat, true, PUBLIC_SAMPLE, 5432));
          for (const p of EPHEMERAL_SAMPLES) hops.push(net.aclPasses(nat, false, PUBLIC_SAMPLE, p), net.aclPasses(nat, true, clientIp, p));
        }
        if (hops.some((h) => !h)) l.add('network-acl');
        pairLayers.push(l);
      }
    } else if (net.subnetVpc(subnets[0]) !== endpoint.VpcId) {
      layers.add('placement');
    } else {
      for (const c of subnets) {
        for (const e of endpoint.SubnetIds as string[]) {
          const l = new Set<Layer>();
          const clientIp = hostIn(net.subnetCidr(c), 10);
          const endpointIp = hostIn(net.subnetCidr(e), 20);
          if (!net.sgPasses(groups, true, 5432, endpointIp, endpoint.SecurityGroupIds)) l.add('security-group');
          if (!net.sgPasses(endpoint.SecurityGroupIds, false, 5432, clientIp, groups)) l.add('security-group');
          if (c !== e) {
            const hops = [net.aclPasses(c, true, endpointIp, 5432), net.aclPasses(e, false, clientIp, 5432)];
            for (const p of EPHEMERAL_SAMPLES) hops.push(net.aclPasses(e, true, clientIp, p), net.aclPasses(c, false, endpointIp, p));
            if (hops.some((h) => !h)) l.add('network-acl');
          }
          pairLayers.push(l);
        }
      }
    }
    if (pairLayers.length > 0) {
      const denied = pairLayers.filter((l) => l.size > 0);
      if (denied.length === pairLayers.length) for (const l of denied) for (const x of l) layers.add(x);
      else if (denied.length > 0) partial = true;
    }
  }
  return { allowed: layers.size === 0 && !partial, layers, partial };
}

/**
 * The model's verdict must be the independent one: allowed exactly when the judge allows, and denied by
 * exactly the layers the judge finds. `unknown` is accepted only where the judge finds part of the
 * packets passing.
 */
export function expectSameVerdict(route: ReportRoute, judgement: Judgement, label: string): void {
  const got = { allowed: route.allowed, deniedBy: [...route.deniedBy].sort(), unknown: route.unknown };
  const want = judgement.partial
    ? { allowed: false, deniedBy: [], unknown: true }
    : { allowed: judgement.allowed, deniedBy: [...judgement.layers].sort(), unknown: false };
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`${label}: the model says ${JSON.stringify(got)}, the independent judge ${JSON.stringify(want)}\n  reasons: ${route.reasons.join('\n           ')}`);
  }
}
