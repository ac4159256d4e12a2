import { Annotations, Arn, ArnFormat, CfnOutput, Lazy, RemovalPolicy, Resource, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { registerCluster, registerGrant } from './access/registry';
import { DsqlRecommendedAlarms } from './alarms';
import type { DsqlRecommendedAlarmsOptions, IDsqlRecommendedAlarms } from './alarms-ref';
import { DsqlBackupPlan } from './backup';
import type { DsqlBackupPlanOptions, IDsqlBackupPlan } from './backup-ref';
import type { DsqlClusterAttributes, DsqlClusterOutputsOptions, IDsqlCluster } from './cluster-ref';
import type { DsqlConnectConditions } from './connect-conditions';
import { DsqlConnectionAudit } from './connection-audit';
import type { DsqlConnectionAuditOptions, IDsqlConnectionAudit } from './connection-audit-ref';
// Factories only: a construct may import the constructs it creates, never the other way round.
import { DsqlDatabaseRole } from './database-role';
import type { DsqlDatabaseRoleOptions, IDsqlDatabaseRole } from './database-role-ref';
import type { DsqlPrivateLinkEndpointOptions, IDsqlPrivateLinkEndpoint } from './endpoint-ref';
import { PrincipalAllowList } from './private/allow-list';
import { mergeSourceIpsToFit, renderConnectConditions, validateConnectConditions } from './private/conditions';
import { DsqlValidationError, fail, failureMessage, formatFailure, validateAll } from './private/errors';
import { DB_CONNECT, DB_CONNECT_ADMIN } from './private/facts/actions';
import { CLUSTER_ARN, CLUSTER_ID, REGION, SERVICE_NAME, isDsqlHostName } from './private/facts/patterns';
import { RegionMember, describeSets as describeMultiRegionSets, multiRegionSetOf, regionSetProblem } from './private/facts/regions';
import { privateHostName, publicHostName } from './private/host-names';
import { OCC_CONFLICT_RATE_EXPRESSION, clusterMetricProps, connectCallsMetricProps, connectionsMetricProps } from './private/metrics';
import { PropRule, checkPropShape, listRule } from './private/prop-shape';
import { QUOTAS, fitsQuota, lengthOverQuota } from './private/quota';
import { requireNonEmpty } from './private/validation';
import { WARNING_IDS } from './private/warnings';
import { DsqlPrivateLinkEndpoint } from './private-link-endpoint';
import { VpcEndpointServiceNameLookup } from './service-name-lookup';

/**
 * Multi-Region peering of a cluster.
 */
export interface DsqlMultiRegionOptions {
  /**
   * The witness Region: a third Region that holds the transaction log of the peered pair.
   * Must be a Region other than the cluster's own and its peer's, in the same Region set as both: one of the
   * sets Aurora DSQL documents for multi-Region clusters, kept in one list (`src/private/facts/regions.ts`,
   * shown in the README, "Multi-Region pair", and in the error message when the Regions do not fit).
   */
  readonly witnessRegion: string;

  /**
   * The ARN of the peer cluster, in another Region of the same multi-Region set, the same account and the
   * same partition. A multi-Region pair has exactly one peer, so the list holds one ARN.
   *
   * Peering needs two deployments: create each cluster with the witness Region only, then add the peer's
   * ARN to both (see README "Multi-Region").
   *
   * @default - no peer yet (first deployment of a multi-Region pair)
   */
  readonly peerClusterArns?: string[];
}

/** The shape of the props (src/private/prop-shape.ts): what a JavaScript or jsii caller may get wrong. */
const CLUSTER_SHAPE: PropRule[] = [
  { path: 'clusterName', kind: 'string', fix: 'Give the name as a string, or leave it out.' },
  { path: 'deletionProtection', kind: 'boolean', fix: 'Give true or false, or leave it out (true).' },
  { path: 'encryptionKey', kind: 'object', fix: 'Give a kms.IKey, or leave it out for an AWS-owned key.' },
  { path: 'connectConditions', kind: 'object', fix: 'Give connectConditions as an object, e.g. { blockPublicAccess: true }.' },
  { path: 'multiRegion', kind: 'object', fix: 'Give multiRegion as { witnessRegion: "us-west-2" }, or leave it out.' },
  { path: 'multiRegion.witnessRegion', kind: 'string', required: true, fix: 'Give the witness Region, e.g. multiRegion: { witnessRegion: "us-west-2" }.' },
  listRule('multiRegion.peerClusterArns', 'Give the peer as a list of one ARN, e.g. peerClusterArns: [peerArn].', false, 'string'),
];

/** The shape of DsqlClusterAttributes. */
const IMPORT_SHAPE: PropRule[] = [
  { path: 'clusterIdentifier', kind: 'string', required: true, fix: 'Give the cluster identifier shown by `aws dsql list-clusters`.' },
  { path: 'vpcEndpointServiceName', kind: 'string', fix: 'Give the service name as a string, or leave it out.' },
  { path: 'clusterEndpoint', kind: 'string', fix: 'Give the host name as a string, or leave it out.' },
  { path: 'connectConditions', kind: 'object', fix: 'Give connectConditions as an object, or leave it out.' },
  { path: 'region', kind: 'string', fix: 'Give a Region such as "us-east-1", or leave it out.' },
  { path: 'account', kind: 'string', fix: 'Give a 12-digit account id, or leave it out.' },
];

/**
 * Properties of a SecureDsqlCluster.
 */
export interface SecureDsqlClusterProps {
  /**
   * A name for the cluster, written as its `Name` tag (DSQL clusters have no name of their own).
   *
   * @default - no Name tag
   */
  readonly clusterName?: string;

  /**
   * Whether deletion protection is on. AWS refuses to delete a protected cluster.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the cluster when it leaves the stack.
   *
   * `DESTROY` needs `deletionProtection: false`, or CloudFormation could never delete it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A customer-managed KMS key that encrypts the cluster's data at rest.
   *
   * When the key is defined in this app, the library adds the key-policy statements Aurora DSQL needs
   * (the `dsql.amazonaws.com` service principal may use the key for clusters of this account and Region
   * only: see the Aurora DSQL user guide, "Data encryption", "Authorizing use of your AWS KMS key").
   * For an imported key you must add them yourself: the library warns.
   *
   * The key must be in the cluster's Region and account (KMS keys are Regional; Aurora DSQL uses a
   * customer-managed key of your account): a key whose Region or account is known at synth and differs is
   * refused.
   *
   * @default - an AWS-owned key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Multi-Region peering.
   *
   * @default - a single-Region cluster
   */
  readonly multiRegion?: DsqlMultiRegionOptions;

  /**
   * Who may connect and from where, rendered into the cluster's resource-based policy as Deny statements.
   * Layer: resource policy — binds every principal, whatever its identity policy says.
   *
   * @default - no resource policy conditions (identity policies alone decide)
   */
  readonly connectConditions?: DsqlConnectConditions;
}

/**
 * What every Aurora DSQL cluster of this library has, created or imported: grants, factories, outputs and
 * metrics. Exported so that every jsii language sees these methods on `SecureDsqlCluster`; use
 * `SecureDsqlCluster` or its `from…` imports rather than extending it.
 */
export abstract class DsqlClusterBase extends Resource implements IDsqlCluster {
  public abstract readonly clusterIdentifier: string;
  public abstract readonly clusterArn: string;
  public abstract readonly clusterEndpoint: string;
  public abstract readonly vpcEndpointServiceName?: string;
  public abstract readonly clusterPrivateEndpoint?: string;
  public abstract readonly connectConditions?: DsqlConnectConditions;

  /**
   * Grant the given Aurora DSQL actions on this cluster only (identity policy of the grantee).
   *
   * Actions must be `dsql:` actions without wildcards: a wildcard would reach actions you did not mean,
   * `dsql:DbConnectAdmin` among them.
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    if (actions.length === 0) {
      fail(this, 'grant(grantee, ...actions)', actions, 'names no action', 'Name the actions, e.g. grant(fn, "dsql:GetCluster"), or use grantConnect(fn).');
    }
    for (const action of actions) {
      if (Token.isUnresolved(action)) continue;
      if (!/^dsql:[A-Za-z]+$/.test(action)) {
        fail(this, 'grant(grantee, ...actions)', action, 'is not an Aurora DSQL action without wildcards',
          'Name each action exactly, e.g. "dsql:GetCluster" or "dsql:DbConnect" (grantConnect), never "dsql:*" or "*".');
      }
    }
    registerGrant(this, grantee, actions);
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.clusterArn] });
  }

  /** Grant `dsql:DbConnect` (custom database roles) on this cluster only. */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, DB_CONNECT);
  }

  /** Grant `dsql:DbConnectAdmin` (the `admin` role) on this cluster only. */
  public grantConnectAdmin(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, DB_CONNECT_ADMIN);
  }

  public abstract addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult;

  /**
   * Add a private path to this cluster: an interface VPC endpoint for its connection service on TCP 5432
   * (a DsqlPrivateLinkEndpoint), created in this cluster's scope.
   */
  public addPrivateLinkEndpoint(id: string, options: DsqlPrivateLinkEndpointOptions): IDsqlPrivateLinkEndpoint {
    return new DsqlPrivateLinkEndpoint(this, id, { ...options, cluster: this });
  }

  /**
   * Add a database role on this cluster, mapped to IAM principals (a DsqlDatabaseRole), created in this
   * cluster's scope.
   */
  public addDatabaseRole(id: string, options: DsqlDatabaseRoleOptions): IDsqlDatabaseRole {
    return new DsqlDatabaseRole(this, id, { ...options, cluster: this });
  }

  /**
   * CloudFormation outputs with the cluster identifier, ARN, public host name and (when known) private host
   * name: `ClusterIdentifier`, `ClusterArn`, `ClusterEndpoint`, `ClusterPrivateEndpoint`, in this cluster's scope.
   *
   * @param options which outputs, and their export names
   */
  public addOutputs(options: DsqlClusterOutputsOptions = {}): CfnOutput[] {
    const prefix = options.exportNamePrefix;
    if (prefix !== undefined && !Token.isUnresolved(prefix) && !/^[A-Za-z0-9:-]{1,200}$/.test(prefix)) {
      fail(this, 'addOutputs(options).exportNamePrefix', prefix, 'is not a valid CloudFormation export name prefix',
        'Use letters, digits, colons and hyphens only, e.g. "Orders-".');
    }
    const entries: Array<[string, string, string]> = [
      ['ClusterIdentifier', this.clusterIdentifier, 'identifier'],
      ['ClusterArn', this.clusterArn, 'ARN'],
      ['ClusterEndpoint', this.clusterEndpoint, 'public host name (TCP 5432, TLS)'],
    ];
    if ((options.privateEndpoint ?? true) && this.clusterPrivateEndpoint !== undefined) {
      entries.push(['ClusterPrivateEndpoint', this.clusterPrivateEndpoint, 'host name through an interface VPC endpoint with private DNS (TCP 5432, TLS)']);
    }
    return entries.map(([id, value, what]) => new CfnOutput(this, id, {
      value,
      description: `Aurora DSQL cluster ${this.node.path}: ${what}`,
      exportName: prefix === undefined ? undefined : `${prefix}${id}`,
    }));
  }

  /**
   * A metric of this cluster in the `AWS/AuroraDSQL` namespace, with the dimension `ClusterId` (the cluster
   * identifier) and the metric's natural statistic. Names, dimensions and statistics: `src/private/metrics.ts`.
   *
   * @param metricName the CloudWatch metric name, e.g. `TotalDPU`
   * @param props period, statistic, label…; `dimensionsMap` replaces the dimensions
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cloudwatchMetric(clusterMetricProps(this.clusterIdentifier, metricName, props));
  }

  /** Total distributed processing units (`TotalDPU`, Sum): what the cluster is billed for. */
  public metricTotalDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TotalDPU', props);
  }

  /** Compute DPU (`ComputeDPU`, Sum). */
  public metricComputeDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ComputeDPU', props);
  }

  /** Read DPU (`ReadDPU`, Sum). */
  public metricReadDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReadDPU', props);
  }

  /** Write DPU (`WriteDPU`, Sum). */
  public metricWriteDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('WriteDPU', props);
  }

  /** Multi-Region write DPU (`MultiRegionWriteDPU`, Sum), for peered clusters. */
  public metricMultiRegionWriteDpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('MultiRegionWriteDPU', props);
  }

  /** Transactions, read-only ones included (`TotalTransactions`, Sum). */
  public metricTotalTransactions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TotalTransactions', props);
  }

  /** Read-only transactions (`ReadOnlyTransactions`, Sum). */
  public metricReadOnlyTransactions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReadOnlyTransactions', props);
  }

  /** Transactions aborted by an optimistic-concurrency conflict (`OccConflicts`, Sum). */
  public metricOccConflicts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OccConflicts', props);
  }

  /** Queries that hit the maximum transaction time (`QueryTimeouts`, Sum). */
  public metricQueryTimeouts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('QueryTimeouts', props);
  }

  /** Commit phase time in milliseconds, itself a P50 (`CommitLatency`, Average). */
  public metricCommitLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CommitLatency', props);
  }

  /** Cluster size in bytes (`ClusterStorageSize`, Maximum). */
  public metricClusterStorageSize(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ClusterStorageSize', props);
  }

  /**
   * The percentage of transactions aborted by an OCC conflict: metric math
   * `100 * OccConflicts / TotalTransactions` (both Sum), 0 when there was no transaction.
   *
   * @param props the period of both metrics, and a label
   */
  public metricOccConflictRate(props: cloudwatch.MathExpressionOptions = {}): cloudwatch.IMetric {
    const period = props.period;
    return new cloudwatch.MathExpression({
      expression: OCC_CONFLICT_RATE_EXPRESSION,
      usingMetrics: {
        conflicts: this.metricOccConflicts({ period, statistic: 'Sum' }),
        transactions: this.metricTotalTransactions({ period, statistic: 'Sum' }),
      },
      label: 'OCC conflict rate (%)',
      ...props,
    });
  }

  /**
   * Active connections of the cluster: `AWS/Usage` `ResourceCount` with Service `AuroraDSQL`, Type
   * `Resource`, Resource `ClusterConnectionCount`, ResourceId `cluster/<id>`, Class `None` (Maximum, 1 minute).
   */
  public metricConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cloudwatchMetric(connectionsMetricProps(this.clusterIdentifier, props));
  }

  /** Connection attempts as a custom database role: `AWS/Usage` `CallCount`, Resource `DbConnect` (Sum, 1 minute). */
  public metricDbConnectCalls(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cloudwatchMetric(connectCallsMetricProps(this.clusterIdentifier, 'DbConnect', props));
  }

  /** Connection attempts as `admin`: `AWS/Usage` `CallCount`, Resource `DbConnectAdmin` (Sum, 1 minute). */
  public metricDbConnectAdminCalls(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cloudwatchMetric(connectCallsMetricProps(this.clusterIdentifier, 'DbConnectAdmin', props));
  }

  /**
   * Create the recommended alarms of this cluster (a `DsqlRecommendedAlarms` named `RecommendedAlarms`, in
   * this cluster's scope): storage near quota, connections near quota, OCC conflict rate, and DPU above a
   * budget when one is given. Once per cluster.
   */
  public addRecommendedAlarms(options: DsqlRecommendedAlarmsOptions = {}): IDsqlRecommendedAlarms {
    if (this.node.tryFindChild('RecommendedAlarms')) {
      fail(this, 'addRecommendedAlarms(options)', options, 'is called a second time on this cluster',
        'Call it once, with every option; for other alarms use the metric* methods with cloudwatch.Alarm.');
    }
    return new DsqlRecommendedAlarms(this, 'RecommendedAlarms', { ...options, cluster: this });
  }

  /**
   * Protect this cluster with AWS Backup (a `DsqlBackupPlan`, in this cluster's scope): select it into the
   * given plan, or into a new plan whose new vault is encrypted with `encryptionKey` when given.
   *
   * The account must have opted in to Aurora DSQL in AWS Backup in this Region, which CloudFormation cannot
   * do: a warning says so at synth (README "Backups").
   */
  public addBackupPlan(id: string, options: DsqlBackupPlanOptions = {}): IDsqlBackupPlan {
    return new DsqlBackupPlan(this, id, { ...options, cluster: this });
  }

  /**
   * Record the connection attempts to this cluster (a `DsqlConnectionAudit`, in this cluster's scope): a
   * CloudTrail trail selecting its `DbConnect` / `DbConnectAdmin` data events, and signals on admin
   * connections, refused attempts and undeclared principals (README "Connection audit").
   */
  public addConnectionAudit(id: string, options: DsqlConnectionAuditOptions = {}): IDsqlConnectionAudit {
    return new DsqlConnectionAudit(this, id, { ...options, clusters: [this] });
  }

  /** A metric in the cluster's account and Region (so that an alarm elsewhere is refused, not silently empty). */
  private cloudwatchMetric(props: cloudwatch.MetricProps): cloudwatch.Metric {
    return new cloudwatch.Metric({ account: this.env.account, region: this.env.region, ...props });
  }
}

class ImportedDsqlCluster extends DsqlClusterBase {
  public readonly clusterIdentifier: string;
  public readonly clusterArn: string;
  public readonly clusterEndpoint: string;
  public readonly connectConditions?: DsqlConnectConditions;
  /** Given at import, or looked up at deploy time once a private endpoint needs it (a token then). */
  private serviceName?: string;

  constructor(scope: Construct, id: string, attrs: DsqlClusterAttributes) {
    super(scope, id, { region: attrs?.region, account: attrs?.account });
    checkPropShape(this, attrs, IMPORT_SHAPE);
    const idValue = attrs.clusterIdentifier;
    if (!Token.isUnresolved(idValue) && !CLUSTER_ID.test(idValue)) {
      fail(this, 'clusterIdentifier', idValue, 'is not an Aurora DSQL cluster identifier (26 lowercase letters and digits)',
        'Pass the identifier shown by `aws dsql list-clusters`, not the ARN or the host name.');
    }
    if (attrs.region !== undefined && !Token.isUnresolved(attrs.region) && !REGION.test(attrs.region)) {
      fail(this, 'region', attrs.region, 'is not an AWS Region name', 'Use a Region such as "us-east-1".');
    }
    if (attrs.account !== undefined && !Token.isUnresolved(attrs.account) && !/^\d{12}$/.test(attrs.account)) {
      fail(this, 'account', attrs.account, 'is not a 12-digit AWS account id', 'Use the account that owns the cluster.');
    }
    if (attrs.vpcEndpointServiceName !== undefined && !Token.isUnresolved(attrs.vpcEndpointServiceName)) {
      if (!SERVICE_NAME.test(attrs.vpcEndpointServiceName)) {
        fail(this, 'vpcEndpointServiceName', attrs.vpcEndpointServiceName, 'is not an Aurora DSQL connection service name',
          'Use the value of `aws dsql get-vpc-endpoint-service-name --identifier <id>`, e.g. "com.amazonaws.us-east-1.dsql-a1b2c3".');
      }
      const serviceRegion = attrs.vpcEndpointServiceName.split('.')[2];
      if (!Token.isUnresolved(this.env.region) && serviceRegion !== this.env.region) {
        fail(this, 'vpcEndpointServiceName', attrs.vpcEndpointServiceName, `belongs to Region ${serviceRegion}, not the cluster's Region ${this.env.region}`,
          'Give the service name of this cluster, or set `region` to the cluster\'s Region.');
      }
    }
    this.clusterIdentifier = idValue;
    this.clusterArn = Stack.of(this).formatArn({
      service: 'dsql',
      resource: 'cluster',
      resourceName: idValue,
      region: this.env.region,
      account: this.env.account,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const host = attrs.clusterEndpoint;
    if (host !== undefined && !Token.isUnresolved(host) && !Token.isUnresolved(idValue) && !Token.isUnresolved(this.env.region)
      && !isDsqlHostName(host, idValue, this.env.region)) {
      fail(this, 'clusterEndpoint', host, `is not a DSQL host name of cluster ${idValue} in ${this.env.region}`,
        `Leave clusterEndpoint out (it defaults to ${publicHostName(idValue, this.env.region)}), or give that host name or the cluster's private host name.`);
    }
    if (attrs.connectConditions) validateConnectConditions(this, 'connectConditions', attrs.connectConditions);
    this.clusterEndpoint = host ?? publicHostName(idValue, this.env.region);
    this.serviceName = attrs.vpcEndpointServiceName;
    this.connectConditions = attrs.connectConditions;
    registerCluster(this);
  }

  /**
   * The service name given at import; once `addPrivateLinkEndpoint` looked it up, the deploy-time value
   * (a token).
   */
  public get vpcEndpointServiceName(): string | undefined {
    return this.serviceName;
  }

  public get clusterPrivateEndpoint(): string | undefined {
    return this.serviceName === undefined ? undefined : privateHostName(this.clusterIdentifier, this.serviceName);
  }

  public addToResourcePolicy(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return { statementAdded: false };
  }

  /**
   * Add a private path to this cluster. When the service name was not given at import, it is first looked
   * up at deploy time (`dsql:GetVpcEndpointServiceName` on this cluster only, by a custom resource in this
   * cluster's scope named `VpcEndpointServiceName`), and the cluster reports that value from then on.
   */
  public addPrivateLinkEndpoint(id: string, options: DsqlPrivateLinkEndpointOptions): IDsqlPrivateLinkEndpoint {
    if (this.serviceName === undefined) {
      this.serviceName = new VpcEndpointServiceNameLookup(this, 'VpcEndpointServiceName', {
        clusterIdentifier: this.clusterIdentifier,
        clusterArn: this.clusterArn,
        region: this.env.region,
        account: this.env.account,
      }).serviceName;
    }
    return super.addPrivateLinkEndpoint(id, options);
  }
}

/**
 * An Aurora DSQL cluster with secure defaults: deletion protection on, removal policy RETAIN, an optional
 * customer-managed key with the key policy DSQL needs, and a resource-based policy rendered from
 * `connectConditions`.
 *
 * @resource AWS::DSQL::Cluster
 *
 * @example
 * const cluster = new SecureDsqlCluster(this, 'Db', { connectConditions: { blockPublicAccess: true } });
 */
export class SecureDsqlCluster extends DsqlClusterBase {
  /**
   * Import an existing cluster by its attributes. The account and Region are the stack's unless given.
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: DsqlClusterAttributes): IDsqlCluster {
    return new ImportedDsqlCluster(scope, id, attrs);
  }

  /**
   * Import an existing cluster of the stack's account and Region by its identifier.
   */
  public static fromClusterIdentifier(scope: Construct, id: string, clusterIdentifier: string): IDsqlCluster {
    return new ImportedDsqlCluster(scope, id, { clusterIdentifier });
  }

  /**
   * Import an existing cluster by its ARN.
   */
  public static fromClusterArn(scope: Construct, id: string, clusterArn: string): IDsqlCluster {
    if (!Token.isUnresolved(clusterArn) && !CLUSTER_ARN.test(clusterArn)) {
      throw new DsqlValidationError(formatFailure(`${scope.node.path}/${id}`, 'clusterArn', clusterArn, 'is not an Aurora DSQL cluster ARN',
        'Use arn:<partition>:dsql:<region>:<account>:cluster/<26-character id>.'));
    }
    const parts = Arn.split(clusterArn, ArnFormat.SLASH_RESOURCE_NAME);
    return new ImportedDsqlCluster(scope, id, { clusterIdentifier: parts.resourceName!, region: parts.region, account: parts.account });
  }

  public readonly clusterIdentifier: string;
  public readonly clusterArn: string;
  public readonly clusterEndpoint: string;
  public readonly vpcEndpointServiceName?: string;
  public readonly clusterPrivateEndpoint?: string;
  /** The customer-managed key, if any. */
  public readonly encryptionKey?: kms.IKey;
  /** The conditions rendered into the resource policy, if any. */
  public readonly connectConditions?: DsqlConnectConditions;
  /** The L1 resource, for escape hatches. */
  public readonly cfnCluster: dsql.CfnCluster;
  /** The cluster's resource-based policy; statements added here are rendered at synth. */
  public readonly resourcePolicy: iam.PolicyDocument;

  /** The literal JSON text last rendered for the template, and how many statements the document had then. */
  private renderedPolicy?: { readonly statementCount: number; readonly text: string };

  constructor(scope: Construct, id: string, props: SecureDsqlClusterProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    checkPropShape(this, props, CLUSTER_SHAPE);
    const deletionProtection = props.deletionProtection ?? true;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // Every problem of the props at once (each check stops at its own first problem).
    validateAll(this, [
      () => {
        if (removalPolicy === RemovalPolicy.DESTROY && deletionProtection) {
          fail(this, 'removalPolicy', 'DESTROY', 'contradicts deletionProtection (default true): CloudFormation could never delete the cluster',
            'Set deletionProtection: false together with RemovalPolicy.DESTROY (for throw-away stacks only), or keep RETAIN.');
        }
      },
      () => {
        if (props.clusterName !== undefined && !Token.isUnresolved(props.clusterName)
          && (props.clusterName.length === 0 || props.clusterName.length > 256)) {
          fail(this, 'clusterName', props.clusterName, 'must be 1 to 256 characters (it is the Name tag)', 'Shorten the name or leave it out.');
        }
      },
      () => props.multiRegion && this.validateMultiRegion(props.multiRegion),
      () => props.encryptionKey && this.validateKeyEnvironment(props.encryptionKey),
      () => props.connectConditions && validateConnectConditions(this, 'connectConditions', props.connectConditions),
    ]);
    this.connectConditions = props.connectConditions;

    this.resourcePolicy = new iam.PolicyDocument();
    if (props.connectConditions) {
      // The principal allow-list is rendered lazily, so that other constructs of the library can admit the
      // principals they need (the database-role handler), through the one allow-list mechanism.
      const principalArns = props.connectConditions.principalArns
        ? PrincipalAllowList.register(this, 'connectConditions.principalArns', props.connectConditions.principalArns).lazy()
        : undefined;
      this.resourcePolicy.addStatements(...this.renderConditions({ ...props.connectConditions, principalArns }));
    }

    this.cfnCluster = new dsql.CfnCluster(this, 'Resource', {
      deletionProtectionEnabled: deletionProtection,
      kmsEncryptionKey: props.encryptionKey?.keyArn,
      multiRegionProperties: props.multiRegion ? {
        witnessRegion: props.multiRegion.witnessRegion,
        clusters: props.multiRegion.peerClusterArns,
      } : undefined,
      policyDocument: Lazy.string({
        produce: () => this.renderPolicy(stack),
      }),
    });
    this.cfnCluster.applyRemovalPolicy(removalPolicy);
    if (props.clusterName) Tags.of(this).add('Name', props.clusterName);

    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
      this.authorizeKey(props.encryptionKey);
    }

    this.clusterIdentifier = this.cfnCluster.attrIdentifier;
    this.clusterArn = this.cfnCluster.attrResourceArn;
    this.clusterEndpoint = this.cfnCluster.attrEndpoint;
    this.vpcEndpointServiceName = this.cfnCluster.attrVpcEndpointServiceName;
    this.clusterPrivateEndpoint = this.cfnCluster.attrVpcEndpoint;

    this.node.addValidation({ validate: () => this.validatePolicy() });
    registerCluster(this);
  }

  /**
   * Add a statement to the cluster's resource-based policy.
   *
   * Allow statements to everyone (`*`) are refused: DSQL's block public access rejects them, and a Deny
   * is the safe form of a network restriction.
   */
  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    const json = statement.toStatementJson();
    const principal = json.Principal;
    const isStar = principal === '*' || (principal && (principal.AWS === '*' || (Array.isArray(principal.AWS) && principal.AWS.includes('*'))));
    if (statement.effect === iam.Effect.ALLOW && isStar) {
      fail(this, 'addToResourcePolicy(statement)', json, 'would allow every principal (`*`); DSQL block public access rejects such a policy',
        'Allow specific same-account principals, or express a network restriction as a Deny statement (see connectConditions).');
    }
    this.resourcePolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.cfnCluster };
  }

  /**
   * Render the conditions for the resource policy. When they alone would exceed the policy quota and every
   * source IP is known, the CIDR blocks are first merged into the fewest blocks that cover exactly the same
   * addresses (never more), as DsqlConnectPolicy does; an info annotation says so.
   */
  private renderConditions(conditions: DsqlConnectConditions): iam.PolicyStatement[] {
    const render = (c: DsqlConnectConditions) => renderConnectConditions(c, { resources: ['*'], principal: new iam.AnyPrincipal() });
    const fits = (c: DsqlConnectConditions) =>
      fitsQuota(Stack.of(this), new iam.PolicyDocument({ statements: render(c) }), QUOTAS.clusterPolicy);
    return render(mergeSourceIpsToFit(this, 'connectConditions', conditions, fits, `the cluster policy quota of ${QUOTAS.clusterPolicy} characters`));
  }

  /**
   * What can be known about multi-Region peering at synth: the witness and peer Regions (a valid Region, not
   * the cluster's own, all three in one of the Region sets AWS supports, src/private/facts/regions.ts), one
   * peer only, in the same account and partition. In an environment-agnostic stack the checks that need the
   * stack's Region or account are skipped, and a warning says so.
   */
  private validateMultiRegion(m: DsqlMultiRegionOptions): void {
    const own = this.env.region;
    const ownAccount = this.env.account;
    const ownKnown = !Token.isUnresolved(own);
    const witnessKnown = !Token.isUnresolved(m.witnessRegion);
    const sets = `Aurora DSQL peers clusters within these Region sets: ${describeMultiRegionSets()}`;
    if (witnessKnown) {
      if (!REGION.test(m.witnessRegion)) {
        fail(this, 'multiRegion.witnessRegion', m.witnessRegion, 'is not an AWS Region name', 'Use a Region such as "us-west-2".');
      }
      if (ownKnown && m.witnessRegion === own) {
        fail(this, 'multiRegion.witnessRegion', m.witnessRegion, 'is the cluster\'s own Region',
          'Pick a third Region as witness, different from the Regions of the cluster and its peers.');
      }
    }
    if (ownKnown && !multiRegionSetOf(own)) {
      fail(this, 'multiRegion', own, 'is set, but the cluster\'s Region is not one where Aurora DSQL supports multi-Region clusters',
        `${sets}. Deploy the cluster in one of them, or leave multiRegion out for a single-Region cluster.`);
    }
    // The known Regions of the cluster, the witness and the peer must be in one set (regionSetProblem, the one
    // predicate; the cluster's own Region outside every set is refused above).
    const members: RegionMember[] = ownKnown ? [{ region: own, what: 'the cluster\'s Region' }] : [];
    const checkSet = (prop: string, value: string, member: RegionMember) => {
      const found = regionSetProblem([...members, member]);
      if (found) fail(this, prop, value, found.problem, `${sets}.`);
      members.push(member);
    };
    if (witnessKnown) checkSet('multiRegion.witnessRegion', m.witnessRegion, { region: m.witnessRegion, what: 'the witness' });

    requireNonEmpty(this, 'multiRegion.peerClusterArns', m.peerClusterArns,
      'Leave peerClusterArns out for the first deployment, or list the peer cluster\'s ARN.');
    const peers = m.peerClusterArns ?? [];
    if (!Token.isUnresolved(peers) && peers.length > 1) {
      fail(this, 'multiRegion.peerClusterArns', peers, `lists ${peers.length} clusters, but a multi-Region cluster has exactly one peer (a pair of clusters and a witness Region)`,
        'List the ARN of the one peer cluster.');
    }
    const expectedPartition = ownKnown ? RegionInfo.get(own).partition : undefined;
    for (const arn of peers) {
      if (Token.isUnresolved(arn)) continue;
      if (!CLUSTER_ARN.test(arn)) {
        fail(this, 'multiRegion.peerClusterArns', arn, 'is not an Aurora DSQL cluster ARN',
          'Use arn:<partition>:dsql:<region>:<account>:cluster/<26-character id>.');
      }
      const [, partition, , peerRegion, peerAccount] = arn.split(':');
      if (ownKnown && peerRegion === own) {
        fail(this, 'multiRegion.peerClusterArns', arn, 'is in the cluster\'s own Region', 'The peer lives in another Region of the same Region set.');
      }
      if (witnessKnown && peerRegion === m.witnessRegion) {
        fail(this, 'multiRegion.peerClusterArns', arn, 'is in the witness Region', 'The witness must be a Region without a peer cluster.');
      }
      if (expectedPartition !== undefined && partition !== expectedPartition) {
        fail(this, 'multiRegion.peerClusterArns', arn, `is in partition ${partition}, but the cluster is in partition ${expectedPartition}`,
          'Peer clusters of one partition: use the ARN of a cluster in this partition.');
      }
      // The UpdateCluster API reference names every ARN of a peering request (the local cluster and each peer)
      // under one account-id; peering across accounts is not documented, so it is refused here.
      if (!Token.isUnresolved(ownAccount) && peerAccount !== ownAccount) {
        fail(this, 'multiRegion.peerClusterArns', arn, `is in account ${peerAccount}, but the cluster is in account ${ownAccount}`,
          'Peer clusters of the same account: create the peer in this account, or deploy this cluster in the peer\'s account.');
      }
      checkSet('multiRegion.peerClusterArns', arn, { region: peerRegion, what: 'the peer' });
    }

    const skipped = [
      ...(ownKnown ? [] : ['the cluster\'s Region against the Region sets, the witness and the peer', 'the peer\'s partition']),
      ...(Token.isUnresolved(ownAccount) && peers.length > 0 ? ['the peer\'s account'] : []),
    ];
    if (skipped.length > 0) {
      Annotations.of(this).addWarningV2(WARNING_IDS.multiRegionUnchecked,
        'multiRegion is only partly checked at synth, because the stack is environment-agnostic (its Region or account is a token): '
        + `not checked: ${skipped.join('; ')}. ${sets}; the peer must be in the same account and partition. `
        + 'Give the stack an env ({ account, region }) to check them, or the deployment fails on what was not checked.');
    }
  }

  /**
   * A customer-managed key must be in the cluster's Region and account: KMS keys are Regional, and Aurora
   * DSQL uses a customer-managed key of your account (Aurora DSQL User Guide, "Data encryption"; the key
   * policy the library writes names this account as `aws:SourceAccount`). Checked when both sides are known.
   */
  private validateKeyEnvironment(key: kms.IKey): void {
    const own = this.env;
    const theirs = key.env;
    const what = Token.isUnresolved(key.keyArn) ? key.node.path : key.keyArn;
    if (!Token.isUnresolved(own.region) && !Token.isUnresolved(theirs.region) && own.region !== theirs.region) {
      fail(this, 'encryptionKey', what, `is a key of Region ${theirs.region}, but the cluster is in ${own.region}: a cluster uses a key of its own Region`,
        `Use a key of ${own.region} (for a multi-Region key, its replica in ${own.region}).`);
    }
    if (!Token.isUnresolved(own.account) && !Token.isUnresolved(theirs.account) && own.account !== theirs.account) {
      fail(this, 'encryptionKey', what, `is a key of account ${theirs.account}, but the cluster is in account ${own.account}`,
        'Use a customer-managed key of the cluster\'s account.');
    }
  }

  /** Key policy statements DSQL needs (Aurora DSQL user guide, "Data encryption"). */
  private authorizeKey(key: kms.IKey): void {
    const stack = Stack.of(this);
    // The cluster id is only known after creation, and naming the cluster here would make the key depend on
    // the cluster that depends on the key: scope to clusters of this account and Region instead.
    const sourceArn = stack.formatArn({ service: 'dsql', resource: 'cluster', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const service = new iam.ServicePrincipal('dsql.amazonaws.com');
    const crypto = key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAuroraDsqlToUseTheKey',
      principals: [service],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': sourceArn },
        StringLike: { 'kms:EncryptionContext:aws:dsql:ClusterId': '*' },
      },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAuroraDsqlToDescribeTheKey',
      principals: [service],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': sourceArn },
      },
    }));
    if (!crypto.statementAdded) {
      Annotations.of(this).addWarningV2(WARNING_IDS.importedKeyPolicy,
        'encryptionKey is imported, so its key policy cannot be changed here. Allow the service principal dsql.amazonaws.com '
        + 'kms:Decrypt, kms:GenerateDataKey, kms:Encrypt, kms:ReEncryptFrom, kms:ReEncryptTo and kms:DescribeKey for '
        + `aws:SourceArn ${sourceArn} in the key's policy, or the cluster cannot be created.`);
    }
  }

  /**
   * The L1's PolicyDocument: the literal JSON text when the document holds no reference (kept, with the number of
   * statements it had, so that the quota check measures the text the template holds), else `Stack.toJsonString`.
   */
  private renderPolicy(stack: Stack): string | undefined {
    this.renderedPolicy = undefined;
    if (this.resourcePolicy.isEmpty) return undefined;
    const text = literalPolicyJson(stack, this.resourcePolicy);
    if (text === undefined) return stack.toJsonString(this.resourcePolicy.toJSON());
    this.renderedPolicy = { statementCount: this.resourcePolicy.statementCount, text };
    return text;
  }

  private validatePolicy(): string[] {
    if (this.resourcePolicy.isEmpty) return [];
    const errors = this.resourcePolicy.validateForResourcePolicy().map((problem) => failureMessage(this, 'addToResourcePolicy(statement)',
      problem, 'makes a statement that is not valid in a resource-based policy', 'Give every statement a principal and at least one action and resource.'));
    // A literal text rendered for the template (synthesis resolves it before validating) is the exact measure itself
    // (compact JSON, no intrinsic to estimate), unless statements were added since.
    const rendered = this.renderedPolicy;
    const length = rendered && rendered.statementCount === this.resourcePolicy.statementCount
      ? (rendered.text.length > QUOTAS.clusterPolicy ? rendered.text.length : undefined)
      : lengthOverQuota(Stack.of(this), this.resourcePolicy, QUOTAS.clusterPolicy);
    if (length !== undefined) {
      errors.push(failureMessage(this, 'connectConditions/addToResourcePolicy', `${length} characters`,
        `make a cluster resource policy over the Aurora DSQL quota of ${QUOTAS.clusterPolicy} characters`,
        'Merge CIDR blocks, trust whole VPCs instead of many endpoints, or move per-principal rules into identity policies (DsqlConnectPolicy).'));
    }
    return errors;
  }
}

/**
 * A policy document as the literal JSON text `AWS::DSQL::Cluster` takes, when it holds no reference (its resolved
 * JSON names no `Ref` and no `Fn::…`, the usual case: literal CIDRs, ids and ARNs); undefined otherwise, for
 * `Stack.toJsonString`, which renders the references inside an `Fn::Join` and lets the synthesis see them (exports
 * for cross-stack references). Both give the same text for literals; this one spares the intrinsic-aware
 * stringifier.
 */
function literalPolicyJson(stack: Stack, document: iam.PolicyDocument): string | undefined {
  const text = JSON.stringify(stack.resolve(document.toJSON()));
  return text.includes('"Ref":') || text.includes('"Fn::') ? undefined : text;
}
