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

/**
 * Whether `host` is a DSQL host name of the cluster `clusterIdentifier` in `region`: the public form, or the
 * private form with a `dsql-…` service suffix. Compared case-insensitively (DNS names are).
 */
export function isDsqlHostNameOf(host: string, clusterIdentifier: string, region: string): boolean {
  const h = host.toLowerCase();
  if (h === publicHostName(clusterIdentifier, region)) return true;
  const prefix = `${clusterIdentifier}.`;
  const suffix = `.${region}.on.aws`;
  if (!h.startsWith(prefix) || !h.endsWith(suffix)) return false;
  const middle = h.slice(prefix.length, h.length - suffix.length);
  return /^dsql-[a-z0-9]{4,}$/.test(middle);
}
