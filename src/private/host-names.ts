import { Fn, Token } from 'aws-cdk-lib';

/**
 * Host names of Aurora DSQL clusters (docs/ARCHITECTURE.md, "AWS facts"):
 * - public: `<cluster-id>.dsql.<region>.on.aws`;
 * - private (through an interface endpoint with private DNS): `<cluster-id>.<service-suffix>.<region>.on.aws`,
 *   where the connection service name is `com.amazonaws.<region>.<service-suffix>`.
 */

/** The public host name of a cluster. */
export function publicHostName(clusterIdentifier: string, region: string): string {
  return `${clusterIdentifier}.dsql.${region}.on.aws`;
}

/** The private host name for a cluster id and its connection service name; tokens become Fn::Join. */
export function privateHostName(clusterIdentifier: string, serviceName: string): string {
  if (!Token.isUnresolved(serviceName)) {
    const [, , region, suffix] = serviceName.split('.');
    return `${clusterIdentifier}.${suffix}.${region}.on.aws`;
  }
  const parts = Fn.split('.', serviceName, 4);
  return Fn.join('.', [clusterIdentifier, Fn.select(3, parts), Fn.select(2, parts), 'on', 'aws']);
}
