/**
 * The contract between the library's Aurora DSQL control-plane custom resources and their handlers: resource
 * types, property names, and their validation at runtime. The handlers act only on what these properties,
 * fixed in the template at synth, name (the same trust rule as the database-role handler).
 *
 * Pure (no AWS SDK): the constructs import it at synth time.
 */
import { CLUSTER_ARN, CLUSTER_ID, REGION, SERVICE_NAME } from '../../private/facts/patterns';

/** The custom resource that looks up a cluster's PrivateLink service name. */
export const SERVICE_NAME_RESOURCE_TYPE = 'Custom::DsqlVpcEndpointServiceName';
/** The custom resource that peers the two clusters of a multi-Region pair. */
export const PEERING_RESOURCE_TYPE = 'Custom::DsqlMultiRegionPeering';

/** Thrown when the properties of a resource are not what the construct writes. */
export class InvalidPropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropertiesError';
  }
}


function text(raw: Record<string, unknown>, key: string, pattern: RegExp, what: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new InvalidPropertiesError(`${key} must be ${what} (got ${JSON.stringify(value)})`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Service name lookup
// ---------------------------------------------------------------------------------------------------------

/** The properties of Custom::DsqlVpcEndpointServiceName as written into the template. */
export interface ServiceNameResourceProperties {
  /** The cluster whose service name is read. */
  readonly ClusterIdentifier: string;
  /** The cluster's Region: the API is called there. */
  readonly Region: string;
}

export interface ServiceNameRequest {
  readonly clusterIdentifier: string;
  readonly region: string;
}

export function parseServiceNameProperties(raw: Record<string, unknown>): ServiceNameRequest {
  return {
    clusterIdentifier: text(raw, 'ClusterIdentifier', CLUSTER_ID, 'an Aurora DSQL cluster identifier'),
    region: text(raw, 'Region', REGION, 'an AWS Region name'),
  };
}

/** A service name the API returned, checked before anything in the template uses it. */
export function checkServiceName(value: unknown, region: string): string {
  const match = typeof value === 'string' ? SERVICE_NAME.exec(value) : null;
  if (!match || match[1] !== region) {
    throw new InvalidPropertiesError(`GetVpcEndpointServiceName returned ${JSON.stringify(value)}, not a connection service name of ${region}`);
  }
  return value as string;
}

// ---------------------------------------------------------------------------------------------------------
// Multi-Region peering
// ---------------------------------------------------------------------------------------------------------

/** The properties of Custom::DsqlMultiRegionPeering as written into the template. */
export interface PeeringResourceProperties {
  /** The ARNs of the two clusters, in the order of the pair (first, second). */
  readonly ClusterArns: string[];
  /** The Regions of the two clusters, fixed at synth: each ARN must be in its Region. */
  readonly Regions: string[];
  /** The account of both clusters, fixed at synth. */
  readonly Account: string;
  /** The witness Region both clusters already name. */
  readonly WitnessRegion: string;
  /**
   * A digest of both clusters' CloudFormation properties: when either cluster's template changes, the
   * peering resource is updated too and re-asserts the peering (the handler ignores the value).
   */
  readonly Generation: string;
}

/** One cluster of a pair. */
export interface PeerCluster {
  readonly arn: string;
  readonly identifier: string;
  readonly region: string;
  readonly account: string;
}

export interface PeeringRequest {
  readonly clusters: readonly [PeerCluster, PeerCluster];
  readonly witnessRegion: string;
}

export function parseCluster(arn: unknown, key: string): PeerCluster {
  const match = typeof arn === 'string' ? CLUSTER_ARN.exec(arn) : null;
  if (!match) throw new InvalidPropertiesError(`${key} must list Aurora DSQL cluster ARNs (got ${JSON.stringify(arn)})`);
  return { arn: arn as string, region: match[2], account: match[3], identifier: match[4] };
}

export function parsePeeringProperties(raw: Record<string, unknown>): PeeringRequest {
  const arns = raw.ClusterArns;
  if (!Array.isArray(arns) || arns.length !== 2) {
    throw new InvalidPropertiesError(`ClusterArns must list exactly two cluster ARNs (got ${JSON.stringify(arns)})`);
  }
  const first = parseCluster(arns[0], 'ClusterArns');
  const second = parseCluster(arns[1], 'ClusterArns');
  const witnessRegion = text(raw, 'WitnessRegion', REGION, 'an AWS Region name');
  const account = text(raw, 'Account', /^\d{12}$/, 'a 12-digit account id');
  const regions = raw.Regions;
  if (!Array.isArray(regions) || regions.length !== 2 || regions.some((r) => typeof r !== 'string' || !REGION.test(r))) {
    throw new InvalidPropertiesError(`Regions must list the two Regions of the pair (got ${JSON.stringify(regions)})`);
  }
  for (const [cluster, region] of [[first, regions[0]], [second, regions[1]]] as const) {
    if (cluster.region !== region) throw new InvalidPropertiesError(`${cluster.arn} is not in ${region}, the Region fixed for it at synth`);
    if (cluster.account !== account) throw new InvalidPropertiesError(`${cluster.arn} is not in account ${account}, fixed at synth`);
  }
  if (first.region === second.region) throw new InvalidPropertiesError(`the two clusters must be in different Regions (both in ${first.region})`);
  if (first.account !== second.account) throw new InvalidPropertiesError('the two clusters must be in the same account');
  if (witnessRegion === first.region || witnessRegion === second.region) {
    throw new InvalidPropertiesError(`WitnessRegion ${witnessRegion} must differ from the Regions of both clusters`);
  }
  return { clusters: [first, second], witnessRegion };
}

/** The physical id of a peering: both ARNs. A different pair is a new peering. */
export function peeringPhysicalId(request: PeeringRequest): string {
  return `${request.clusters[0].arn}|${request.clusters[1].arn}`;
}
