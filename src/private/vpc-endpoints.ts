import { Resource, Stage, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { SERVICE_NAME } from './facts/patterns';
import { libraryOwnerOf } from './owner-marker';
import { validationMemo } from './validation-memo';

/**
 * What the app knows about VPCs and interface endpoints that no single construct holds: the CIDR block of a
 * VPC created in the app, and the interface endpoints with private DNS per VPC and service.
 */

/** The root of the app (or of the bare construct tree) that `scope` is in. */
function rootOf(scope: IConstruct): IConstruct {
  return Stage.of(scope) ?? scope.node.root;
}

/**
 * The CIDR block behind a token such as `vpc.vpcCidrBlock` when it is the block of a VPC created in the app
 * with a literal CIDR (`ec2.Vpc`, `ipAddresses: ec2.IpAddresses.cidr(...)`); undefined otherwise. `hint` is
 * tried first (the VPC at hand), then every VPC of the app.
 */
export function knownVpcCidr(scope: IConstruct, value: string, hint?: ec2.IVpc): string | undefined {
  const literal = (vpc: ec2.IVpc) => {
    if (!(vpc instanceof ec2.Vpc) || vpc.vpcCidrBlock !== value) return undefined;
    const cidr = (vpc.node.defaultChild as ec2.CfnVPC).cidrBlock;
    return typeof cidr === 'string' && !Token.isUnresolved(cidr) ? cidr : undefined;
  };
  if (hint) {
    const found = literal(hint);
    if (found) return found;
  }
  for (const c of rootOf(scope).node.findAll()) {
    if (c instanceof ec2.Vpc) {
      const found = literal(c);
      if (found) return found;
    }
  }
  return undefined;
}

/** The key of an interface endpoint with private DNS: its VPC and service as written (a literal or a token string). */
function privateDnsKey(resource: ec2.CfnVPCEndpoint): string | undefined {
  // CloudFormation's default for PrivateDnsEnabled is false; the CDK's InterfaceVpcEndpoint writes true by default.
  if (resource.privateDnsEnabled !== true) return undefined;
  if (resource.vpcEndpointType !== undefined && resource.vpcEndpointType !== 'Interface') return undefined;
  const vpc = resource.vpcId;
  const service = resource.serviceName;
  if (typeof vpc !== 'string' || typeof service !== 'string') return undefined;
  return `${vpc}\u0000${service}`;
}

/**
 * The interface endpoints with private DNS of the app, by VPC and service, computed once per validation pass.
 * Two endpoints have the same key when their VPC id and service name are the same literal, or the same token
 * (the same `vpc.vpcId`, the same `cluster.vpcEndpointServiceName`).
 */
function privateDnsEndpoints(scope: IConstruct): Map<string, ec2.CfnVPCEndpoint[]> {
  const root = rootOf(scope);
  return validationMemo(scope, 'private-dns-endpoints', root, () => {
    const byKey = new Map<string, ec2.CfnVPCEndpoint[]>();
    for (const c of root.node.findAll()) {
      const key = c instanceof ec2.CfnVPCEndpoint ? privateDnsKey(c) : undefined;
      if (key) byKey.set(key, [...(byKey.get(key) ?? []), c as ec2.CfnVPCEndpoint]);
    }
    return byKey;
  });
}

/**
 * The other interface endpoints of the app with private DNS for the same service in the same VPC as
 * `resource`. EC2 creates one private hosted zone per service and VPC: the second endpoint fails with
 * "private-dns-enabled cannot be set because there is already a conflicting DNS domain".
 */
export function conflictingPrivateDnsEndpoints(resource: ec2.CfnVPCEndpoint): ec2.CfnVPCEndpoint[] {
  const key = privateDnsKey(resource);
  if (!key) return [];
  return (privateDnsEndpoints(resource).get(key) ?? []).filter((r) => r !== resource);
}

/**
 * The other Aurora DSQL connection endpoints of the app with private DNS in the same VPC as `resource` whose
 * service name cannot be compared with its own at synth: one of the two (or both) is known only at deploy time,
 * such as the service name of a cluster created in the app. Aurora DSQL's service names are not per cluster
 * (`com.amazonaws.<region>.dsql-<suffix>`, the suffix is not the cluster id), so two clusters of a Region may
 * share one, and the second endpoint would then fail as `conflictingPrivateDnsEndpoints` says. An endpoint counts
 * as a DSQL connection endpoint when the library created it, or when its service name is a literal of that form.
 */
export function uncomparablePrivateDnsEndpoints(resource: ec2.CfnVPCEndpoint, limit = 3): { count: number; first: ec2.CfnVPCEndpoint[] } {
  const none = { count: 0, first: [] };
  const key = privateDnsKey(resource);
  if (!key) return none;
  const [vpc, service] = key.split('\u0000');
  const group = dsqlPrivateDnsEndpointsByVpc(resource).get(vpc);
  if (!group || group.services.length < 2) return none;
  const unresolved = Token.isUnresolved(service);
  // The same service name is the error of conflictingPrivateDnsEndpoints; two literals are compared.
  const uncomparable = (other: ServiceEndpoints) => other.service !== service && (unresolved || other.unresolved);
  const own = group.services.find((x) => x.service === service)?.endpoints.length ?? 0;
  // Counted without listing every pair: an app with many endpoints in one VPC stays linear.
  // A literal own name is uncomparable with the deploy-time names only (own is not among them).
  const count = unresolved ? group.total - own : group.unresolvedTotal;
  const first: ec2.CfnVPCEndpoint[] = [];
  for (const other of group.services) {
    if (first.length >= limit) break;
    if (uncomparable(other)) first.push(...other.endpoints.slice(0, limit - first.length));
  }
  return { count, first };
}

/** The DSQL endpoints with private DNS of one VPC and one service name (as written). */
interface ServiceEndpoints {
  readonly service: string;
  /** Whether the service name is known only at deploy time. */
  readonly unresolved: boolean;
  readonly endpoints: readonly ec2.CfnVPCEndpoint[];
}

/**
 * The DSQL connection endpoints with private DNS of the app, by VPC and then by service name, computed once per
 * validation pass. An endpoint is DSQL's when the library created it or its service name is a literal DSQL
 * connection service name.
 */
function dsqlPrivateDnsEndpointsByVpc(scope: IConstruct): Map<string, VpcGroup> {
  const root = rootOf(scope);
  return validationMemo(scope, 'dsql-private-dns-endpoints-by-vpc', root, () => {
    const byVpc = new Map<string, VpcGroup>();
    for (const [key, endpoints] of privateDnsEndpoints(scope)) {
      const [vpc, service] = key.split('\u0000');
      const dsql = endpoints.filter((c) => libraryOwnerOf(c) === 'private-link-endpoint' || SERVICE_NAME.test(service));
      if (dsql.length === 0) continue;
      let group = byVpc.get(vpc);
      if (!group) byVpc.set(vpc, group = { services: [], total: 0, unresolvedTotal: 0 });
      const unresolved = Token.isUnresolved(service);
      group.services.push({ service, unresolved, endpoints: dsql });
      group.total += dsql.length;
      if (unresolved) group.unresolvedTotal += dsql.length;
    }
    return byVpc;
  });
}

/** The DSQL endpoints with private DNS of one VPC, by service name, and how many there are (all, and of deploy-time names). */
interface VpcGroup {
  readonly services: ServiceEndpoints[];
  total: number;
  unresolvedTotal: number;
}

/** The selected subnets that are public subnets of `vpc` (by subnet id). */
export function publicSubnetsAmong(vpc: ec2.IVpc, subnets: readonly ec2.ISubnet[]): ec2.ISubnet[] {
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
  return subnets.filter((s) => publicIds.has(s.subnetId));
}

/**
 * The Region of the VPC or VPC endpoint of the app whose id is `id` (a literal, or the token of its `vpcId` /
 * `vpcEndpointId`), when it is known; undefined when no such construct is in the app or its Region is a token.
 * VPCs and endpoints belong to one Region, so such an id in the conditions of a cluster of another Region
 * could never match.
 */
export function regionOfNetworkId(scope: IConstruct, id: string): string | undefined {
  for (const c of rootOf(scope).node.findAll()) {
    if (!(c instanceof Resource)) continue;
    const r = c as Resource & { vpcId?: unknown; vpcEndpointId?: unknown; selectSubnets?: unknown };
    const isVpc = typeof r.selectSubnets === 'function' && r.vpcId === id;
    const isEndpoint = r.vpcEndpointId === id;
    if (!isVpc && !isEndpoint) continue;
    const region = c.env.region;
    if (!Token.isUnresolved(region)) return region;
  }
  return undefined;
}
