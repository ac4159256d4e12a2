/**
 * Patterns of Aurora DSQL names: Region, cluster id and ARN, service names, host names. Pure (no CDK, no Node
 * API): the constructs, both analysers and the handlers' runtimes import them (the handlers import this file only).
 *
 * Sources: Aurora DSQL API Reference (`CreateCluster` identifier, `GetVpcEndpointServiceName` service name),
 * Aurora DSQL User Guide, "Managing and connecting to Amazon Aurora DSQL clusters using AWS PrivateLink" (host names).
 */

/** An AWS Region name such as `us-east-1`, `us-gov-west-1`, `cn-north-1`. */
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest|mx)+-\d{1,2}$/;
/** A cluster identifier: 26 lowercase letters and digits. */
export const CLUSTER_ID = /^[a-z0-9]{26}$/;
/** A cluster ARN; groups: partition suffix, Region, account, cluster id. */
export const CLUSTER_ARN = /^arn:aws(-[a-z-]+)?:dsql:([a-z0-9-]+):(\d{12}):cluster\/([a-z0-9]{26})$/;
/** A cluster's connection service name `com.amazonaws.<region>.dsql-<suffix>`; group: the Region. */
export const SERVICE_NAME = /^com\.amazonaws\.([a-z0-9-]+)\.dsql-[a-z0-9]{4,}$/;
/** The management API's service name `com.amazonaws.<region>.dsql`; group: the Region. */
export const MANAGEMENT_SERVICE_NAME = /^com\.amazonaws\.([a-z0-9-]+)\.dsql$/;

const HOST_SERVICE = 'dsql(-[a-z0-9]{4,})?';

/**
 * Whether `host` is a host name of an Aurora DSQL cluster: the public `<id>.dsql.<region>.on.aws` or the
 * private `<id>.dsql-<suffix>.<region>.on.aws` (the suffix of the cluster's connection service name
 * `com.amazonaws.<region>.dsql-<suffix>`). With `clusterIdentifier` and `region`, of that cluster only.
 */
export function isDsqlHostName(host: string, clusterIdentifier?: string, region?: string): boolean {
  const id = clusterIdentifier ?? '[a-z0-9]{26}';
  const r = region ?? '[a-z0-9-]+';
  return new RegExp(`^${id}\\.${HOST_SERVICE}\\.${r}\\.on\\.aws$`).test(host);
}
