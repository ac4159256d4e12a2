import type { CfnOutput } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import type { IDsqlCluster } from './cluster-ref';

/**
 * A connection endpoint through which a client in a VPC reaches Aurora DSQL clusters privately.
 *
 * `DsqlPrivateLinkEndpoint` implements it; `DsqlDatabaseRole` accepts any implementation as its `endpoint`.
 */
export interface IDsqlConnectionEndpoint extends ec2.IConnectable, IConstruct {
  /** The VPC of the endpoint. */
  readonly vpc: ec2.IVpc;

  /** The private host name a client in the VPC uses to reach `cluster` through this endpoint. */
  hostNameFor(cluster: IDsqlCluster): string;
}

/**
 * An interface VPC endpoint of an Aurora DSQL connection service (TCP 5432), as `DsqlPrivateLinkEndpoint`
 * creates it.
 */
export interface IDsqlPrivateLinkEndpoint extends IDsqlConnectionEndpoint {
  /**
   * The endpoint id (`vpce-…`), e.g. for `DsqlConnectConditions.sourceVpcEndpointIds`.
   * @attribute
   */
  readonly vpcEndpointId: string;

  /** The security group of the endpoint's network interfaces. */
  readonly securityGroup: ec2.ISecurityGroup;

  /** The PrivateLink service name the endpoint connects to. */
  readonly serviceName: string;

  /** The host name clients use for the cluster given at creation. */
  readonly hostName: string;

  /** The clusters this endpoint serves. */
  readonly servedClusters: IDsqlCluster[];

  /**
   * Admit a client on TCP 5432 (security-group-to-security-group rule, or a private CIDR block).
   *
   * @param client the client
   * @param description the rule's description
   */
  allowFrom(client: ec2.IConnectable, description?: string): void;

  /** Serve another cluster with the same PrivateLink service name through this endpoint. */
  addCluster(cluster: IDsqlCluster): void;

  /**
   * A CloudFormation output with the host name clients use for `cluster` through this endpoint.
   *
   * @param cluster a served cluster; default: the cluster given at creation
   * @param id the output's construct id
   */
  addHostNameOutput(cluster?: IDsqlCluster, id?: string): CfnOutput;
}

/**
 * A network ACL on the endpoint subnets.
 */
export interface DsqlNetworkAclOptions {
  /**
   * The client networks admitted: TCP 5432 (and 443 with the management endpoint) inbound from these
   * blocks, and the return traffic (TCP 1024-65535) outbound to them. Everything else is denied.
   *
   * Private IPv4 ranges only (RFC 1918, 100.64.0.0/10). IPv6 blocks are refused: the endpoint has IPv4
   * addresses only, so an IPv6 entry could never match. Adjacent and overlapping blocks are merged, so the
   * ACL has the fewest rules that admit exactly these addresses.
   */
  readonly allowedCidrs: string[];

  /**
   * The network ACL rule quota of your account, per direction (and per IP family). Synth fails when the
   * merged blocks need more rules than this.
   *
   * AWS allows 20 rules per direction by default and 40 at most (quota increase).
   *
   * @default 20
   */
  readonly maxRulesPerDirection?: number;
}

/**
 * Options of a DsqlPrivateLinkEndpoint, without the cluster (see `SecureDsqlCluster.addPrivateLinkEndpoint`).
 */
export interface DsqlPrivateLinkEndpointOptions {
  /** The VPC to create the interface endpoint in. */
  readonly vpc: ec2.IVpc;

  /**
   * Where to place the endpoint's network interfaces: one subnet per Availability Zone is used.
   *
   * The same spelling as `DsqlDatabaseRole`'s `vpcSubnets` and aws-cdk-lib's constructs.
   *
   * @default - the VPC's private subnets (with egress), else its isolated subnets; never public ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Where to place the endpoint's network interfaces.
   *
   * @deprecated use `vpcSubnets` (the same selection, spelled as in the other constructs); giving both is refused
   * @default - see `vpcSubnets`
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Clients admitted on TCP 5432, e.g. Lambda functions, ECS services or security groups. Written to the
   * endpoint's security group as security-group-to-security-group rules (the client's security group
   * gets the matching egress rule). A CIDR peer (`ec2.Peer.ipv4(...)`) must be a private IPv4 range;
   * `0.0.0.0/0` and IPv6 blocks are refused (the endpoint has IPv4 addresses only).
   *
   * Layer: network (security group). Add more later with `allowFrom(client)` or `connections`.
   *
   * @default - no client: nothing can reach the endpoint until you allow one
   */
  readonly allowedClients?: ec2.IConnectable[];

  /**
   * IAM role or user ARNs that may connect through this endpoint (`aws:PrincipalArn`, `*` wildcards
   * allowed). Every other principal is denied by the endpoint policy, whatever its identity policy says.
   *
   * Layer: endpoint policy — binds everyone who uses this endpoint, and no one who does not.
   *
   * @default - any principal of the clusters' accounts (identity and cluster policies decide)
   */
  readonly allowedPrincipalArns?: string[];

  /**
   * A network ACL on the endpoint subnets that admits TCP 5432 from the named CIDR blocks only.
   *
   * A subnet has exactly one network ACL, and it applies to everything in the subnet, not only to the
   * endpoint: other resources in these subnets lose every other traffic that crosses the subnet
   * boundary. Use dedicated subnets for the endpoint when you enable this. Traffic between resources
   * of the same subnet does not cross the ACL.
   *
   * The ACL, and the subnets when they are defined in the app, are tagged
   * `secure-dsql:private-path=<service name>`, so that a DsqlPrivatePathGuardrail protects its entries and
   * the subnets' ACL association.
   *
   * Layer: network (subnet).
   *
   * @default - no network ACL (the subnets keep theirs)
   */
  readonly networkAcl?: DsqlNetworkAclOptions;

  /**
   * Whether the cluster host names (`<id>.<service-suffix>.<region>.on.aws`) resolve to the endpoint
   * inside the VPC. Without it, clients need their own DNS record for that name (the token is signed for
   * that same host name).
   *
   * @default true
   */
  readonly privateDnsEnabled?: boolean;

  /**
   * Also create an interface endpoint for the Aurora DSQL management API (`com.amazonaws.<region>.dsql`,
   * TCP 443), in the same subnets, with its own security group (no ingress: allow clients through
   * `managementEndpoint.connections`) and its own endpoint policy (`managementActions`).
   *
   * @default false
   */
  readonly managementEndpoint?: boolean;

  /**
   * The management actions the management endpoint's policy admits, for principals of the stack's account
   * (and only `allowedPrincipalArns` when set).
   *
   * @default - read-only: dsql:GetCluster, dsql:GetVpcEndpointServiceName, dsql:ListClusters, dsql:ListTagsForResource
   */
  readonly managementActions?: string[];

  /**
   * The security group of the endpoint's network interfaces.
   *
   * Rules from CIDR blocks are checked at synth like `allowedClients`. When the group is defined in the app,
   * it is tagged `secure-dsql:private-path=<service name>` so that a DsqlPrivatePathGuardrail protects its
   * rules; an imported group cannot be tagged (a warning says so).
   *
   * @default - a new security group with no ingress rule and no egress rule
   */
  readonly securityGroup?: ec2.ISecurityGroup;
}
