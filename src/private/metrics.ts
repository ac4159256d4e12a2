import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The CloudWatch metrics Aurora DSQL publishes: names, namespaces, dimensions and default statistics.
 * Pure data: the cluster base class (src/cluster.ts) turns them into `cloudwatch.Metric`s.
 *
 * Sources, and where they disagree:
 * - Aurora DSQL User Guide, "Monitoring Aurora DSQL with Amazon CloudWatch"
 *   (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/cloudwatch-monitoring.html): namespace
 *   `AWS/AuroraDSQL`; observability metrics ReadOnlyTransactions, TotalTransactions, QueryTimeouts, OccConflicts,
 *   CommitLatency (P50, ms), BytesWritten, BytesRead, ComputeTime, ClusterStorageSize (bytes); usage metrics
 *   WriteDPU, MultiRegionWriteDPU, ReadDPU, ComputeDPU, TotalDPU; and, in the `AWS/Usage` namespace,
 *   `ResourceCount` (Type `Resource`, Resource `ClusterConnectionCount`) and `CallCount` (Type `API`, Resource
 *   `DbConnect` / `DbConnectAdmin`), both with Service `AuroraDSQL` and ResourceId `cluster/<cluster-id>`.
 * - The cluster dimension: the guide's DPU table heads its column "Dimension: ResourceId" and names no
 *   dimension for the observability table, while the CloudWatch console lists every `AWS/AuroraDSQL` metric
 *   (ClusterStorageSize, TotalDPU, …) under the dimension `ClusterId`, which is what the guide's own CDC
 *   stream section names and what AWS's published scripts query (`--dimensions Name=ClusterId,...`). Other
 *   sources use `ClusterIdentifier` or `ResourceId`. We use `ClusterId` with the bare identifier for all
 *   `AWS/AuroraDSQL` metrics; `metric(name, { dimensionsMap })` overrides it if AWS ever publishes otherwise.
 * - `AWS/Usage` also carries a `Class` dimension, `None` for API and resource counts (CloudWatch User Guide,
 *   "CloudWatch usage metrics", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Usage-Metrics.html).
 *   A CloudWatch metric is identified by its full dimension set, so it is included.
 * - No unit is set: DPU is not a CloudWatch standard unit and the guide's units ("none", "bytes") are not
 *   the StandardUnit names, so filtering by unit could match nothing.
 */

/** The namespace of the cluster metrics. */
export const DSQL_NAMESPACE = 'AWS/AuroraDSQL';
/** The namespace of the connection usage metrics. */
export const USAGE_NAMESPACE = 'AWS/Usage';
/** The dimension of the cluster metrics, whose value is the cluster identifier. */
export const CLUSTER_DIMENSION = 'ClusterId';
/** The `Service` dimension value of Aurora DSQL's `AWS/Usage` metrics. */
export const USAGE_SERVICE = 'AuroraDSQL';

/**
 * Quotas the recommended alarms compare against (Aurora DSQL User Guide, "Cluster quotas and database limits"):
 * 10,000 connections per cluster and 10 TiB of storage per cluster by default, both adjustable.
 */
export const DEFAULT_CONNECTION_QUOTA = 10_000;
export const DEFAULT_STORAGE_QUOTA_BYTES = 10 * 1024 ** 4;

/** How a metric is read by default. */
interface MetricDefinition {
  /** The default statistic. */
  readonly statistic: string;
  /** What the metric measures, for the doc comments and alarm descriptions. */
  readonly description: string;
}

/** The cluster metrics in `AWS/AuroraDSQL`, with the statistic that reads each one meaningfully. */
export const CLUSTER_METRICS = {
  TotalDPU: { statistic: 'Sum', description: 'total distributed processing units (DPU) used' },
  ComputeDPU: { statistic: 'Sum', description: 'compute DPU used' },
  ReadDPU: { statistic: 'Sum', description: 'read DPU used' },
  WriteDPU: { statistic: 'Sum', description: 'write DPU used' },
  MultiRegionWriteDPU: { statistic: 'Sum', description: 'multi-Region write DPU used (peered clusters only)' },
  TotalTransactions: { statistic: 'Sum', description: 'transactions, read-only ones included' },
  ReadOnlyTransactions: { statistic: 'Sum', description: 'read-only transactions' },
  OccConflicts: { statistic: 'Sum', description: 'transactions aborted by an optimistic-concurrency (OCC) conflict' },
  QueryTimeouts: { statistic: 'Sum', description: 'queries that hit the maximum transaction time' },
  // The metric is itself the P50 of commit time; its average over the period is the natural reading.
  CommitLatency: { statistic: 'Average', description: 'commit phase time in milliseconds (P50)' },
  ClusterStorageSize: { statistic: 'Maximum', description: 'cluster size in bytes' },
  BytesRead: { statistic: 'Sum', description: 'bytes read from storage' },
  BytesWritten: { statistic: 'Sum', description: 'bytes written to storage' },
  ComputeTime: { statistic: 'Sum', description: 'query processor wall clock time in milliseconds' },
} satisfies Record<string, MetricDefinition>;

export type ClusterMetricName = keyof typeof CLUSTER_METRICS;

/** The default period of every metric (CloudWatch's own default). */
export const DEFAULT_PERIOD = Duration.minutes(5);

/**
 * The props of a cluster metric: namespace `AWS/AuroraDSQL`, dimension `ClusterId`, the metric's default
 * statistic unless `options` says otherwise. `options.dimensionsMap` replaces the dimensions.
 */
export function clusterMetricProps(clusterIdentifier: string, metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.MetricProps {
  const known = (CLUSTER_METRICS as Record<string, MetricDefinition>)[metricName];
  return {
    namespace: DSQL_NAMESPACE,
    metricName,
    period: DEFAULT_PERIOD,
    statistic: known?.statistic ?? 'Average',
    ...options,
    dimensionsMap: options.dimensionsMap ?? { [CLUSTER_DIMENSION]: clusterIdentifier },
  };
}

/** The `ResourceId` of a cluster in `AWS/Usage`. */
export function usageResourceId(clusterIdentifier: string): string {
  return `cluster/${clusterIdentifier}`;
}

/** Active connections of a cluster: `AWS/Usage` `ResourceCount`, Resource `ClusterConnectionCount`, Maximum. */
export function connectionsMetricProps(clusterIdentifier: string, options: cloudwatch.MetricOptions = {}): cloudwatch.MetricProps {
  return usageMetricProps(clusterIdentifier, 'ResourceCount', 'Resource', 'ClusterConnectionCount', 'Maximum', options);
}

/** Connection attempts: `AWS/Usage` `CallCount`, Type `API`, Resource `DbConnect` or `DbConnectAdmin`, Sum. */
export function connectCallsMetricProps(clusterIdentifier: string, action: 'DbConnect' | 'DbConnectAdmin',
  options: cloudwatch.MetricOptions = {}): cloudwatch.MetricProps {
  return usageMetricProps(clusterIdentifier, 'CallCount', 'API', action, 'Sum', options);
}

function usageMetricProps(clusterIdentifier: string, metricName: string, type: string, resource: string, statistic: string,
  options: cloudwatch.MetricOptions): cloudwatch.MetricProps {
  return {
    namespace: USAGE_NAMESPACE,
    metricName,
    period: Duration.minutes(1),
    statistic,
    ...options,
    dimensionsMap: options.dimensionsMap ?? {
      Service: USAGE_SERVICE,
      Type: type,
      Resource: resource,
      ResourceId: usageResourceId(clusterIdentifier),
      Class: 'None',
    },
  };
}

/**
 * The OCC conflict rate in percent of transactions, as a metric-math expression over `OccConflicts` and
 * `TotalTransactions` (both Sum): 0 when there was no transaction.
 */
export const OCC_CONFLICT_RATE_EXPRESSION = 'IF(transactions > 0, 100 * conflicts / transactions, 0)';
