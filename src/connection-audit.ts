import { Annotations, ArnFormat, Duration, Lazy, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { registryOf } from './access/registry';
import type { IDsqlCluster } from './cluster-ref';
import { DsqlConnectionAuditStore } from './connection-audit-ref';
import type { DsqlConnectionAuditOptions, IDsqlConnectionAudit } from './connection-audit-ref';
import { failureMessage, throwProblems } from './private/errors';
import { DB_CONNECT_ADMIN, isConnectAction } from './private/facts/actions';
import { CONNECT_EVENT_NAMES, DSQL_CLOUDTRAIL_RESOURCE_TYPE, DSQL_EVENTBRIDGE_SOURCE, DSQL_EVENT_SOURCE, eventNameOf } from './private/facts/cloudtrail';
import { acknowledgeGuardRules, acknowledgeNagRules } from './private/nag';
import { checkPropShape, listRule, PropRule } from './private/prop-shape';
import { QUOTAS, resolvedLength } from './private/quota';
import { IAM_PRINCIPAL_ARN } from './private/validation';
import { WARNING_IDS } from './private/warnings';

/**
 * Properties of DsqlConnectionAudit.
 */
export interface DsqlConnectionAuditProps extends DsqlConnectionAuditOptions {
  /**
   * The clusters whose connection attempts are recorded, in this stack's account and Region.
   */
  readonly clusters: IDsqlCluster[];
}

/** Values the selector spends besides the cluster ARNs: eventCategory, resources.type, and the event names. */
const FIXED_SELECTOR_VALUES = 2 + CONNECT_EVENT_NAMES.length;

/** The shape of the props, for JavaScript and jsii callers (src/private/prop-shape.ts). */
const AUDIT_SHAPE: PropRule[] = [
  listRule('clusters', 'Give the clusters to audit as a list, e.g. clusters: [cluster].', true, 'object'),
  { path: 'store', kind: 'string', fix: 'Give a DsqlConnectionAuditStore value, or leave it out for a trail.' },
  { path: 'encryptionKey', kind: 'object', fix: 'Give a kms.IKey, or leave it out.' },
  { path: 'retention', kind: 'object', fix: 'Give a Duration, e.g. Duration.days(365).' },
  { path: 'cloudWatchLogs', kind: 'boolean', fix: 'Give true or false, or leave it out.' },
  { path: 'serverAccessLogsBucket', kind: 'object', fix: 'Give an s3.IBucket, or leave it out.' },
  { path: 'alarmTopic', kind: 'object', fix: 'Give an sns.ITopic, or leave it out.' },
  { path: 'adminConnectionRule', kind: 'boolean', fix: 'Give true or false, or leave it out.' },
  { path: 'refusedConnectionsAlarm', kind: 'boolean', fix: 'Give true or false, or leave it out.' },
  { path: 'refusedConnectionsThreshold', kind: 'number', fix: 'Give a positive integer, e.g. 10.' },
  { path: 'refusedConnectionsPeriod', kind: 'object', fix: 'Give a Duration, e.g. Duration.minutes(5).' },
  { path: 'unlistedPrincipalRules', kind: 'boolean', fix: 'Give true or false, or leave it out.' },
  listRule('allowedPrincipalArns', 'Give the ARNs as a list of strings.', false, 'string'),
  { path: 'eventPatternSizeQuota', kind: 'number', fix: 'Give the quota as a number, e.g. 4096.' },
];

/** The warning that a cluster's allowed principals cannot be matched exactly by an EventBridge rule. */
export const UNLISTED_RULE_SKIPPED_WARNING = WARNING_IDS.auditUnlistedRuleSkipped;

/**
 * A connection audit of Aurora DSQL clusters: a CloudTrail trail (or a CloudTrail Lake event data store)
 * whose advanced event selector records the connection attempts (`DbConnect`, `DbConnectAdmin` data events)
 * to the given clusters only, kept where a security team accepts them, and signals on what deserves a look.
 *
 * - Trail: log files in a new S3 bucket that blocks public access, enforces TLS, is versioned, encrypted
 *   (with your key when given), expires files after `retention`, and is retained when the stack is deleted;
 *   log file validation on; by default also a CloudWatch Logs log group.
 * - Signals: an EventBridge rule on `DbConnectAdmin`; an alarm on a burst of refused attempts (metric filter
 *   on the log group); one EventBridge rule per cluster on connections by principals the app does not declare.
 *
 * Refused at synth: more selector values than a trail allows (500), clusters of another Region or account.
 */
export class DsqlConnectionAudit extends Resource implements IDsqlConnectionAudit {
  public readonly auditedClusterArns: string[];
  public readonly trailArn?: string;
  public readonly eventDataStoreArn?: string;
  public readonly bucket?: s3.IBucket;
  public readonly logGroup?: logs.ILogGroup;
  public readonly adminConnectionRule?: events.IRule;
  public readonly refusedConnectionsAlarm?: cloudwatch.IAlarm;
  public readonly unlistedPrincipalRules: events.IRule[] = [];

  constructor(scope: Construct, id: string, props: DsqlConnectionAuditProps) {
    super(scope, id);
    checkPropShape(this, props, AUDIT_SHAPE);
    const stack = Stack.of(this);
    const store = props.store ?? DsqlConnectionAuditStore.TRAIL;
    const isTrail = store === DsqlConnectionAuditStore.TRAIL;
    const clusters = [...new Set(props.clusters ?? [])];
    const problems: string[] = [];
    const problem = (prop: string, value: unknown, what: string, fix: string) => problems.push(failureMessage(this, prop, value, what, fix));

    if (clusters.length === 0) {
      problem('clusters', [], 'is empty, so the audit would record nothing', 'Give at least one cluster.');
    }
    for (const cluster of clusters) {
      for (const [what, theirs, ours] of [['Region', cluster.env.region, stack.region], ['account', cluster.env.account, stack.account]] as const) {
        if (!Token.isUnresolved(theirs) && !Token.isUnresolved(ours) && theirs !== ours) {
          problem('clusters', cluster.node.path, `holds a cluster of ${what} ${theirs}, but the audit is made in ${ours}`,
            `A trail records the data events of its own ${what}: audit the cluster from a stack in its ${what}.`);
        }
      }
    }
    const selectorValues = FIXED_SELECTOR_VALUES + clusters.length;
    if (selectorValues > QUOTAS.advancedSelectorValues) {
      problem('clusters', `${clusters.length} clusters`,
        `need ${selectorValues} advanced event selector values, more than the ${QUOTAS.advancedSelectorValues} CloudTrail allows per trail or event data store`,
        `Split the clusters over several audits of at most ${QUOTAS.advancedSelectorValues - FIXED_SELECTOR_VALUES} clusters each.`);
    }
    const retention = props.retention ?? Duration.days(365);
    const retentionDays = retention.toDays({ integral: false });
    const [minDays, maxDays] = isTrail ? [1, Number.MAX_SAFE_INTEGER] : [7, 3653];
    if (!Number.isInteger(retentionDays) || retentionDays < minDays || retentionDays > maxDays) {
      problem('retention', retention.toHumanString(),
        isTrail ? 'must be a whole number of days, at least 1' : 'must be a whole number of days between 7 and 3653',
        'Give e.g. Duration.days(365).');
    }
    const logsOn = isTrail && (props.cloudWatchLogs ?? true);
    if (!isTrail && props.cloudWatchLogs) {
      problem('cloudWatchLogs', true, 'is set for an event data store, which delivers to no log group', 'Leave it out, or use store: DsqlConnectionAuditStore.TRAIL.');
    }
    if (!isTrail && props.serverAccessLogsBucket) {
      problem('serverAccessLogsBucket', props.serverAccessLogsBucket.node.path, 'is set for an event data store, which has no bucket',
        'Leave it out, or use store: DsqlConnectionAuditStore.TRAIL.');
    }
    if (props.refusedConnectionsAlarm && !logsOn) {
      problem('refusedConnectionsAlarm', true, 'needs the trail\'s CloudWatch Logs log group to count refused attempts',
        'Use a trail with cloudWatchLogs (the default), or leave refusedConnectionsAlarm out.');
    }
    const threshold = props.refusedConnectionsThreshold ?? 10;
    if (Token.isUnresolved(threshold) || !Number.isInteger(threshold) || threshold < 1) {
      problem('refusedConnectionsThreshold', threshold, 'must be a positive integer', 'Give e.g. 10.');
    }
    const period = props.refusedConnectionsPeriod ?? Duration.minutes(5);
    const periodSeconds = period.toSeconds();
    if (Token.isUnresolved(periodSeconds) || periodSeconds < 60 || periodSeconds > 86_400 || periodSeconds % 60 !== 0) {
      problem('refusedConnectionsPeriod', period.toHumanString(), 'must be whole minutes between 1 minute and 1 day', 'Use e.g. Duration.minutes(5).');
    }
    const patternQuota = props.eventPatternSizeQuota;
    if (patternQuota !== undefined && (Token.isUnresolved(patternQuota) || !Number.isInteger(patternQuota) || patternQuota < QUOTAS.eventPattern)) {
      problem('eventPatternSizeQuota', patternQuota, `must be an integer of at least ${QUOTAS.eventPattern} (the EventBridge default)`,
        'Give the quota Service Quotas shows for "Event pattern size", e.g. 4096.');
    }
    const allowed = props.allowedPrincipalArns ?? [];
    for (const arn of allowed) {
      if (!Token.isUnresolved(arn) && (!IAM_PRINCIPAL_ARN.test(arn) || /[*?]/.test(arn))) {
        problem('allowedPrincipalArns', arn, 'is not the ARN of an IAM role, user or account root without wildcards',
          'Give ARNs such as arn:aws:iam::111122223333:role/reporting (EventBridge compares them exactly).');
      }
    }
    throwProblems(this, problems);

    this.auditedClusterArns = clusters.map(c => c.clusterArn);
    const selector = {
      name: 'Aurora DSQL connection attempts',
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: [DSQL_CLOUDTRAIL_RESOURCE_TYPE] },
        { field: 'eventName', equalTo: [...CONNECT_EVENT_NAMES] },
        { field: 'resources.ARN', equalTo: this.auditedClusterArns },
      ],
    };
    const key = props.encryptionKey;
    const cloudTrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');

    if (isTrail) {
      const trailName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
      const trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName });
      this.trailArn = trailArn;
      const bucket = new s3.Bucket(this, 'Bucket', {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        encryption: key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
        encryptionKey: key,
        bucketKeyEnabled: key ? true : undefined,
        enforceSSL: true,
        versioned: true,
        lifecycleRules: [{ id: 'retention', expiration: retention, noncurrentVersionExpiration: retention }],
        serverAccessLogsBucket: props.serverAccessLogsBucket,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.bucket = bucket;
      // The bucket policy of the CloudTrail User Guide ("Amazon S3 bucket policy for CloudTrail"), with the
      // aws:SourceArn condition that limits it to this trail.
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AWSCloudTrailAclCheck',
        principals: [cloudTrailPrincipal],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
      }));
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AWSCloudTrailWrite',
        principals: [cloudTrailPrincipal],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
      }));
      if (!props.serverAccessLogsBucket) {
        const reason = 'The bucket of a CloudTrail connection audit: every change to its log files shows in CloudTrail log file validation '
          + '(digest files), and access logging is left to the serverAccessLogsBucket option.';
        acknowledgeNagRules(bucket, [
          { id: 'AwsSolutions-S1', reason },
          { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason },
          { id: 'HIPAA.Security-S3BucketLoggingEnabled', reason },
        ]);
        acknowledgeGuardRules(bucket, ['s3_bucket_logging_enabled_check'], reason);
      }
      acknowledgeGuardRules(bucket, ['s3_event_notifications_enabled_check', 's3_bucket_object_lock_enabled_check'],
        'Only CloudTrail writes to the audit bucket: its signals come from EventBridge and CloudWatch Logs, not from S3 event notifications; '
        + 'CloudTrail log file validation (signed digest files) proves any change or deletion of a log file, and Object Lock would keep files past the retention the user sets.');
      const replication = 'Audit log files of one Region, kept versioned and validated by CloudTrail digest files; '
        + 'cross-Region replication of the audit bucket is an account-level choice the library does not make.';
      acknowledgeNagRules(bucket, [
        { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: replication },
        { id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: replication },
      ]);

      if (key) this.allowCloudTrailToEncrypt(key, trailArn);

      let logsRoleArn: string | undefined;
      const dependencies: Construct[] = [bucket.policy!];
      if (logsOn) {
        const logGroup = new logs.LogGroup(this, 'LogGroup', {
          encryptionKey: key,
          retention: props.cloudWatchLogsRetention ?? logs.RetentionDays.ONE_YEAR,
          removalPolicy: RemovalPolicy.RETAIN,
        });
        if (key) this.allowCloudWatchLogsToEncrypt(key);
        this.logGroup = logGroup;
        const role = new iam.Role(this, 'LogsRole', {
          assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceArn': trailArn } } }),
          description: `Lets the connection audit trail ${trailName} deliver to its log group`,
        });
        const policy = new iam.ManagedPolicy(this, 'LogsPolicy', {
          roles: [role],
          statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] })],
        });
        logsRoleArn = role.roleArn;
        dependencies.push(policy);
      }

      const trail = new cloudtrail.CfnTrail(this, 'Trail', {
        trailName,
        isLogging: true,
        s3BucketName: bucket.bucketName,
        enableLogFileValidation: true,
        isMultiRegionTrail: false,
        includeGlobalServiceEvents: false,
        kmsKeyId: key?.keyArn,
        cloudWatchLogsLogGroupArn: this.logGroup?.logGroupArn,
        cloudWatchLogsRoleArn: logsRoleArn,
        advancedEventSelectors: [selector],
      });
      for (const d of dependencies) trail.node.addDependency(d);
    } else {
      if (key) this.allowCloudTrailLakeToEncrypt(key);
      const eventDataStore = new cloudtrail.CfnEventDataStore(this, 'EventDataStore', {
        advancedEventSelectors: [selector],
        kmsKeyId: key?.keyArn,
        multiRegionEnabled: false,
        organizationEnabled: false,
        retentionPeriod: retentionDays,
        terminationProtectionEnabled: true,
      });
      eventDataStore.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.eventDataStoreArn = eventDataStore.attrEventDataStoreArn;
    }

    const topicTargets = props.alarmTopic ? [new targets.SnsTopic(props.alarmTopic)] : [];
    if (props.adminConnectionRule ?? true) {
      this.adminConnectionRule = new events.Rule(this, 'AdminConnections', {
        description: 'Connection attempts as admin (DbConnectAdmin) to audited Aurora DSQL clusters',
        eventPattern: connectionPattern([eventNameOf(DB_CONNECT_ADMIN)], this.auditedClusterArns),
        targets: topicTargets,
      });
    }

    if (logsOn && this.logGroup && (props.refusedConnectionsAlarm ?? true)) {
      const filter = new logs.MetricFilter(this, 'RefusedConnectionsFilter', {
        logGroup: this.logGroup,
        filterPattern: logs.FilterPattern.all(
          logs.FilterPattern.stringValue('$.eventSource', '=', DSQL_EVENT_SOURCE),
          logs.FilterPattern.any(...CONNECT_EVENT_NAMES.map(n => logs.FilterPattern.stringValue('$.eventName', '=', n))),
          logs.FilterPattern.exists('$.errorCode'),
        ),
        metricNamespace: 'SecureDsql/ConnectionAudit',
        metricName: `RefusedConnectionAttempts-${Names.uniqueResourceName(this, { maxLength: 160, separator: '-' })}`,
        metricValue: '1',
      });
      const alarm = new cloudwatch.Alarm(this, 'RefusedConnections', {
        metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${threshold} or more refused connection attempts to audited Aurora DSQL clusters in ${period.toHumanString()}: `
          + 'look for expired tokens, a principal the cluster policy denies, or someone guessing.',
      });
      if (props.alarmTopic) alarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
      this.refusedConnectionsAlarm = alarm;
    }

    if (props.unlistedPrincipalRules ?? true) {
      clusters.forEach((cluster, i) => {
        const literal = cluster.connectConditions?.principalArns ?? [];
        const wildcards = literal.filter(a => !Token.isUnresolved(a) && /[*?]/.test(a));
        if (wildcards.length > 0) {
          Annotations.of(this).addWarningV2(UNLISTED_RULE_SKIPPED_WARNING,
            `No unlisted-principal rule for ${cluster.node.path}: its connectConditions.principalArns hold patterns `
            + `(${wildcards.join(', ')}) that EventBridge cannot compare exactly. Give exact ARNs, or acknowledge this warning.`);
          return;
        }
        this.unlistedPrincipalRules.push(new events.Rule(this, `UnlistedPrincipals${i}`, {
          description: 'Connections to an audited Aurora DSQL cluster by a principal the app does not declare',
          eventPattern: unlistedPattern(cluster.clusterArn, () => this.allowedPrincipals(cluster, allowed)),
          targets: topicTargets,
        }));
      });
      const quota = props.eventPatternSizeQuota ?? QUOTAS.eventPattern;
      this.node.addValidation({ validate: () => this.patternSizeProblems(quota) });
    }
  }

  /**
   * The ARNs the app declares as allowed to connect to `cluster`, read when the template is written, split into
   * roles (matched through their sessions' issuer) and other identities (matched by their own ARN). A value
   * whose kind is unknown (a token) goes into both.
   */
  private allowedPrincipals(cluster: IDsqlCluster, extra: readonly string[]): AllowedPrincipals {
    const registry = registryOf(this);
    const roles = new Set<string>();
    const others = new Set<string>();
    const add = (arn: string, kind: 'role' | 'other' | 'unknown') => {
      if (kind !== 'other') roles.add(arn);
      if (kind !== 'role') others.add(arn);
    };
    const kindOfArn = (arn: string) => (Token.isUnresolved(arn) ? 'unknown' : /:role\//.test(arn) ? 'role' : 'other');
    const grantees: iam.IGrantable[] = [
      ...registry.grants.filter(g => g.cluster === cluster && g.actions.some(isConnectAction)).map(g => g.grantee),
      ...registry.databaseRoles.filter(r => r.cluster === cluster).flatMap(r => r.principals),
      ...registry.handlers.filter(h => h.cluster === cluster).map(h => h.handler),
      ...registry.connectPolicies.filter(p => p.clusters.includes(cluster)).flatMap(p => p.attachedIdentities),
    ];
    for (const grantee of grantees) {
      const p = principalArnOf(grantee);
      if (p) add(p.arn, p.kind === 'unknown' ? kindOfArn(p.arn) : p.kind);
    }
    for (const arn of [
      ...(cluster.connectConditions?.principalArns ?? []),
      ...registry.databaseRoles.filter(r => r.cluster === cluster).flatMap(r => r.principalArns),
      ...extra,
    ]) add(arn, kindOfArn(arn));
    return { roles: [...roles], others: [...others] };
  }

  /** Unlisted-principal rules whose pattern is longer than the quota. */
  private patternSizeProblems(quota: number): string[] {
    const stack = Stack.of(this);
    return this.unlistedPrincipalRules.flatMap((rule) => {
      const length = resolvedLength(stack, (rule.node.defaultChild as events.CfnRule).eventPattern);
      return length <= quota ? [] : [failureMessage(this, 'unlistedPrincipalRules', `${rule.node.path}: about ${length} characters`,
        `make an event pattern longer than the ${quota} characters EventBridge accepts (the allowed principals are listed in it)`,
        'Raise the quota "Event pattern size" in Service Quotas and set eventPatternSizeQuota, allow fewer principals, or set unlistedPrincipalRules: false.')];
    });
  }

  /** CloudTrail may encrypt this trail's log files with the key (CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail"). */
  private allowCloudTrailToEncrypt(key: kms.IKey, trailArn: string): void {
    const stack = Stack.of(this);
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailConnectionAuditEncrypt',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceArn': trailArn },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*` },
      },
    }));
  }

  /** CloudWatch Logs of this account and Region may use the key for log groups. */
  private allowCloudWatchLogsToEncrypt(key: kms.IKey): void {
    const stack = Stack.of(this);
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsConnectionAudit',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        },
      },
    }));
  }

  /** CloudTrail Lake may encrypt event data stores of this account with the key. */
  private allowCloudTrailLakeToEncrypt(key: kms.IKey): void {
    const stack = Stack.of(this);
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailLakeConnectionAudit',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudtrail:${stack.region}:${stack.account}:eventdatastore/*` } },
    }));
  }
}

/** The principals an unlisted-principal rule lets through. */
interface AllowedPrincipals {
  /** Role ARNs: compared with `userIdentity.sessionContext.sessionIssuer.arn`. */
  readonly roles: string[];
  /** Other identities (users, account roots): compared with `userIdentity.arn`. */
  readonly others: string[];
}

/** The ARN of a grantee's principal and its kind, when it is a role or a user (a group's members are unknown). */
function principalArnOf(grantee: iam.IGrantable): { arn: string; kind: 'role' | 'other' | 'unknown' } | undefined {
  const principal = grantee.grantPrincipal as iam.IPrincipal & { roleArn?: string; userArn?: string; arn?: string };
  if (typeof principal.roleArn === 'string') return { arn: principal.roleArn, kind: 'role' };
  if (typeof principal.userArn === 'string') return { arn: principal.userArn, kind: 'other' };
  if (principal instanceof iam.ArnPrincipal) return { arn: principal.arn, kind: 'unknown' };
  return undefined;
}

/** CloudTrail events of the given DSQL data events on the given clusters, as EventBridge receives them. */
function connectionPattern(eventNames: string[], clusterArns: string[]): events.EventPattern {
  return {
    source: [DSQL_EVENTBRIDGE_SOURCE],
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: [DSQL_EVENT_SOURCE],
      eventName: eventNames,
      resources: { ARN: clusterArns },
    },
  };
}

/**
 * Connections to `clusterArn` by a principal not in `allowed()`: a role's session is judged by its issuer
 * (the role's ARN), any other identity by its own ARN. When nothing is allowed, every connection matches.
 */
function unlistedPattern(clusterArn: string, allowed: () => AllowedPrincipals): events.EventPattern {
  const base = connectionPattern([...CONNECT_EVENT_NAMES], [clusterArn]);
  return {
    ...base,
    detail: {
      ...base.detail,
      $or: Lazy.any({
        produce: () => {
          const { roles, others } = allowed();
          if (roles.length === 0 && others.length === 0) return undefined;
          const sessions = roles.length === 0 ? {} : { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': roles }] } } };
          const identities = others.length === 0 ? {} : { arn: [{ 'anything-but': others }] };
          return [
            { userIdentity: { type: ['AssumedRole'], ...sessions } },
            { userIdentity: { type: [{ 'anything-but': ['AssumedRole'] }], ...identities } },
          ];
        },
      }),
    },
  };
}
