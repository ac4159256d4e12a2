import type { CfnOutput, IResource } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { DsqlConnectConditions } from './connect-conditions';
import type { DsqlDatabaseRoleOptions, IDsqlDatabaseRole } from './database-role-ref';
import type { DsqlPrivateLinkEndpointOptions, IDsqlPrivateLinkEndpoint } from './endpoint-ref';

/**
 * An Aurora DSQL cluster, created by this library (`SecureDsqlCluster`) or imported
 * (`SecureDsqlCluster.fromClusterAttributes`, `fromClusterIdentifier`, `fromClusterArn`).
 */
export interface IDsqlCluster extends IResource {
  /**
   * The cluster identifier (26 lowercase letters and digits).
   * @attribute
   */
  readonly clusterIdentifier: string;

  /**
   * The cluster ARN: `arn:<partition>:dsql:<region>:<account>:cluster/<id>`.
   * @attribute
   */
  readonly clusterArn: string;

  /**
   * The public host name of the cluster: `<id>.dsql.<region>.on.aws`.
   * @attribute
   */
  readonly clusterEndpoint: string;

  /**
   * The PrivateLink service name of the cluster's connection endpoint (`com.amazonaws.<region>.dsql-xxxx`).
   *
   * Undefined for an imported cluster whose service name was not given.
   * @attribute
   */
  readonly vpcEndpointServiceName?: string;

  /**
   * The host name clients use to reach the cluster through an interface VPC endpoint with private DNS:
   * `<id>.<service-suffix>.<region>.on.aws`.
   *
   * Undefined when the service name is unknown.
   * @attribute
   */
  readonly clusterPrivateEndpoint?: string;

  /**
   * Who may connect and from where, as the cluster's resource-based policy says: the conditions a
   * `SecureDsqlCluster` renders, or those declared when importing a cluster (for checks only).
   *
   * Undefined when the app does not know them.
   */
  readonly connectConditions?: DsqlConnectConditions;

  /**
   * Grant the given Aurora DSQL actions on this cluster only (identity policy of the grantee).
   *
   * Actions must be `dsql:` actions without wildcards.
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /** Grant `dsql:DbConnect` (custom database roles) on this cluster only. */
  grantConnect(grantee: iam.IGrantable): iam.Grant;

  /** Grant `dsql:DbConnectAdmin` (the `admin` role) on this cluster only. */
  grantConnectAdmin(grantee: iam.IGrantable): iam.Grant;

  /**
   * Add a statement to the cluster's resource-based policy.
   *
   * For an imported cluster this does nothing and returns `statementAdded: false`.
   */
  addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult;

  /**
   * Add a private path to this cluster: an interface VPC endpoint for its connection service on TCP 5432
   * (a `DsqlPrivateLinkEndpoint`), created in this cluster's scope.
   */
  addPrivateLinkEndpoint(id: string, options: DsqlPrivateLinkEndpointOptions): IDsqlPrivateLinkEndpoint;

  /**
   * Add a database role on this cluster, mapped to IAM principals (a `DsqlDatabaseRole`), created in this
   * cluster's scope.
   */
  addDatabaseRole(id: string, options: DsqlDatabaseRoleOptions): IDsqlDatabaseRole;

  /**
   * CloudFormation outputs with the cluster identifier, ARN, public host name and (when known) private host
   * name, in this cluster's scope.
   *
   * @param options which outputs, and their export names
   */
  addOutputs(options?: DsqlClusterOutputsOptions): CfnOutput[];
}

/**
 * Which outputs `addOutputs` creates.
 */
export interface DsqlClusterOutputsOptions {
  /**
   * A prefix for the export names of the outputs (`<prefix>ClusterIdentifier`, …), so that other stacks can
   * import them with `Fn.importValue`.
   *
   * @default - the outputs are not exported
   */
  readonly exportNamePrefix?: string;

  /**
   * Also output the private host name (`ClusterPrivateEndpoint`), when the service name is known.
   *
   * @default true
   */
  readonly privateEndpoint?: boolean;
}

/**
 * Attributes to import an existing cluster.
 */
export interface DsqlClusterAttributes {
  /** The cluster identifier (26 lowercase letters and digits). */
  readonly clusterIdentifier: string;

  /**
   * The PrivateLink service name of the cluster (`aws dsql get-vpc-endpoint-service-name`).
   *
   * @default - unknown: the cluster cannot be used with a DsqlPrivateLinkEndpoint
   */
  readonly vpcEndpointServiceName?: string;

  /**
   * The public host name of the cluster. It must be the cluster's DSQL host name
   * (`<id>.dsql.<region>.on.aws`); anything else is refused.
   *
   * @default `<id>.dsql.<region>.on.aws`
   */
  readonly clusterEndpoint?: string;

  /**
   * The conditions of the cluster's existing resource-based policy, if you want the library to check
   * against them (for example, that a database role is placed where it can connect). They are not rendered:
   * the library does not change an imported cluster's policy.
   *
   * @default - unknown
   */
  readonly connectConditions?: DsqlConnectConditions;

  /**
   * The Region of the cluster.
   *
   * @default - the stack's Region
   */
  readonly region?: string;

  /**
   * The account of the cluster.
   *
   * @default - the stack's account
   */
  readonly account?: string;
}
