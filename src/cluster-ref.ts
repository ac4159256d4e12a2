import type { CfnOutput, IResource } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { DsqlRecommendedAlarmsOptions, IDsqlRecommendedAlarms } from './alarms-ref';
import type { DsqlBackupPlanOptions, IDsqlBackupPlan } from './backup-ref';
import type { DsqlConnectConditions } from './connect-conditions';
import type { DsqlConnectionAuditOptions, IDsqlConnectionAudit } from './connection-audit-ref';
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
   * Undefined for an imported cluster whose service name was not given, until `addPrivateLinkEndpoint` looks
   * it up at deploy time (a token from then on).
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

  /**
   * A metric of this cluster in the `AWS/AuroraDSQL` namespace, with the dimension `ClusterId` (the cluster
   * identifier) and the metric's natural statistic (Sum for counts and DPU, Average for `CommitLatency`,
   * Maximum for `ClusterStorageSize`, Average for names the library does not know).
   *
   * @param metricName the CloudWatch metric name, e.g. `TotalDPU`
   * @param props period, statistic, label…; `dimensionsMap` replaces the dimensions
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Total distributed processing units (`TotalDPU`, Sum): what the cluster is billed for. */
  metricTotalDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Compute DPU (`ComputeDPU`, Sum). */
  metricComputeDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Read DPU (`ReadDPU`, Sum). */
  metricReadDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Write DPU (`WriteDPU`, Sum). */
  metricWriteDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Multi-Region write DPU (`MultiRegionWriteDPU`, Sum), for peered clusters. */
  metricMultiRegionWriteDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Transactions, read-only ones included (`TotalTransactions`, Sum). */
  metricTotalTransactions(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Read-only transactions (`ReadOnlyTransactions`, Sum). */
  metricReadOnlyTransactions(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Transactions aborted by an optimistic-concurrency conflict (`OccConflicts`, Sum). */
  metricOccConflicts(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Queries that hit the maximum transaction time (`QueryTimeouts`, Sum). */
  metricQueryTimeouts(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Commit phase time in milliseconds, itself a P50 (`CommitLatency`, Average). */
  metricCommitLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Cluster size in bytes (`ClusterStorageSize`, Maximum). */
  metricClusterStorageSize(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * The percentage of transactions aborted by an OCC conflict: metric math
   * `100 * OccConflicts / TotalTransactions` (both Sum), 0 when there was no transaction.
   *
   * @param props the period of both metrics, and a label
   */
  metricOccConflictRate(props?: cloudwatch.MathExpressionOptions): cloudwatch.IMetric;

  /**
   * Active connections of the cluster: `AWS/Usage` `ResourceCount` with Service `AuroraDSQL`, Type
   * `Resource`, Resource `ClusterConnectionCount`, ResourceId `cluster/<id>`, Class `None` (Maximum, 1 minute).
   */
  metricConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Connection attempts as a custom database role: `AWS/Usage` `CallCount`, Resource `DbConnect` (Sum, 1 minute). */
  metricDbConnectCalls(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Connection attempts as `admin`: `AWS/Usage` `CallCount`, Resource `DbConnectAdmin` (Sum, 1 minute). */
  metricDbConnectAdminCalls(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Create the recommended alarms of this cluster (a `DsqlRecommendedAlarms` named `RecommendedAlarms`, in
   * this cluster's scope): storage near quota, connections near quota, OCC conflict rate, and DPU above a
   * budget when one is given. Once per cluster.
   */
  addRecommendedAlarms(options?: DsqlRecommendedAlarmsOptions): IDsqlRecommendedAlarms;

  /**
   * Protect this cluster with AWS Backup (a `DsqlBackupPlan`, in this cluster's scope): select it into the
   * given plan, or into a new plan whose new vault is encrypted with `encryptionKey` when given.
   *
   * The account must have opted in to Aurora DSQL in AWS Backup in this Region, which CloudFormation cannot
   * do: a warning says so at synth (README "Backups").
   */
  addBackupPlan(id: string, options?: DsqlBackupPlanOptions): IDsqlBackupPlan;

  /**
   * Record the connection attempts to this cluster (a `DsqlConnectionAudit`, in this cluster's scope): a
   * CloudTrail trail selecting its `DbConnect` / `DbConnectAdmin` data events, and signals on admin
   * connections, refused attempts and undeclared principals (README "Connection audit").
   */
  addConnectionAudit(id: string, options?: DsqlConnectionAuditOptions): IDsqlConnectionAudit;
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
   * Needed at synth only to share one endpoint between clusters (`addCluster` compares service names) and by
   * `DsqlPrivatePathAdminPolicy` / `DsqlPrivatePathGuardrail`.
   *
   * @default - unknown: `addPrivateLinkEndpoint` looks it up at deploy time (`dsql:GetVpcEndpointServiceName`
   * on this cluster only, same account)
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
