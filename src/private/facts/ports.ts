/**
 * Ports of Aurora DSQL's two PrivateLink services and of the replies. CDK-free.
 *
 * Sources: Aurora DSQL User Guide, "Managing and connecting to Amazon Aurora DSQL clusters using AWS PrivateLink"
 * (PostgreSQL on 5432 for the connection service, HTTPS on 443 for the management API); Amazon VPC User Guide,
 * "Network ACLs", ephemeral ports (AWS Lambda and NAT gateways use 1024-65535).
 */

/** PostgreSQL: the connection endpoint (public and PrivateLink). */
export const CONNECTION_PORT = 5432;
/** HTTPS: the management API endpoint `com.amazonaws.<region>.dsql`. */
export const MANAGEMENT_PORT = 443;
/** The client ports a reply goes back to, as a stateless network ACL must admit them. */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
