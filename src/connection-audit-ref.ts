import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';

/**
 * Where a connection audit keeps the connection attempts it records.
 */
export enum DsqlConnectionAuditStore {
  /**
   * A CloudTrail trail that delivers log files to a new S3 bucket (and, by default, to CloudWatch Logs).
   */
  TRAIL = 'TRAIL',

  /**
   * A CloudTrail Lake event data store, queried with SQL. CloudTrail Lake is closed to new customers since
   * 31 May 2026: choose it only if the account already uses it.
   */
  EVENT_DATA_STORE = 'EVENT_DATA_STORE',
}

/**
 * How `addConnectionAudit` records the connection attempts to clusters (`DbConnect`, `DbConnectAdmin`
 * CloudTrail data events) and which signals it raises.
 *
 * Data events are billed per event delivered (AWS CloudTrail pricing): the audit selects the events of the
 * given clusters only.
 */
export interface DsqlConnectionAuditOptions {
  /**
   * Where the connection attempts are kept.
   *
   * @default DsqlConnectionAuditStore.TRAIL
   */
  readonly store?: DsqlConnectionAuditStore;

  /**
   * A customer-managed key that encrypts the log files (trail and bucket), the CloudWatch Logs log group, or
   * the event data store. The library adds the statements CloudTrail and CloudWatch Logs need to the key's
   * policy (for a key of this app; an imported key's policy must already allow them).
   *
   * @default - the bucket is encrypted with S3-managed keys (SSE-S3), the log group with CloudWatch Logs'
   * own encryption, an event data store with an AWS-owned key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the records are kept: log files in the bucket expire after it (S3 lifecycle rule), an event
   * data store keeps events for it (whole days, 7 to 3653).
   *
   * @default Duration.days(365)
   */
  readonly retention?: Duration;

  /**
   * Also deliver the trail's events to a CloudWatch Logs log group (a trail only). Needed by the alarm on
   * refused connection attempts.
   *
   * @default true for a trail
   */
  readonly cloudWatchLogs?: boolean;

  /**
   * How long the CloudWatch Logs log group keeps the events.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly cloudWatchLogsRetention?: logs.RetentionDays;

  /**
   * A bucket that receives the server access logs of the audit bucket (a trail only).
   *
   * @default - no server access logs: CloudTrail log file validation already shows any change to a log file
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * An SNS topic every signal notifies: the rules send it the matching event, the alarm its state change.
   *
   * @default - no target: add targets to `adminConnectionRule`, `unlistedPrincipalRules` and actions to
   * `refusedConnectionsAlarm` yourself
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * An EventBridge rule on every connection attempt as `admin` (`DbConnectAdmin`) to the audited clusters.
   *
   * @default true
   */
  readonly adminConnectionRule?: boolean;

  /**
   * A CloudWatch alarm on a burst of refused connection attempts (events with an `errorCode`), counted by a
   * metric filter on the CloudWatch Logs log group. Needs `cloudWatchLogs`; refused for an event data store.
   *
   * @default true for a trail with `cloudWatchLogs`, false otherwise
   */
  readonly refusedConnectionsAlarm?: boolean;

  /**
   * The refused-connections alarm goes off when at least this many refused attempts are recorded in
   * `refusedConnectionsPeriod`. The default is the library's choice: a client with a stale token retries a
   * few times, a guessing attacker many more.
   *
   * @default 10
   */
  readonly refusedConnectionsThreshold?: number;

  /**
   * The period over which refused attempts are counted, whole minutes between 1 minute and 1 day.
   *
   * @default Duration.minutes(5)
   */
  readonly refusedConnectionsPeriod?: Duration;

  /**
   * One EventBridge rule per audited cluster on connections by principals the app does not declare as
   * allowed on that cluster: the cluster's `connectConditions.principalArns`, the grantees of its `grant*`
   * methods, the principals of its database roles and their handler, and `allowedPrincipalArns`.
   *
   * @default true
   */
  readonly unlistedPrincipalRules?: boolean;

  /**
   * IAM role and user ARNs outside the app that may connect to every audited cluster, so that their
   * connections do not match the unlisted-principal rules. Roles match through the session issuer of their
   * sessions.
   *
   * @default - none
   */
  readonly allowedPrincipalArns?: string[];

  /**
   * The largest event pattern EventBridge accepts in this account and Region, if you raised the quota
   * (Service Quotas, "Event pattern size"). An unlisted-principal rule whose pattern would be longer is refused
   * at synth (references count as 96 characters).
   *
   * @default 2048, the EventBridge default quota
   */
  readonly eventPatternSizeQuota?: number;
}

/**
 * What a connection audit created.
 */
export interface IDsqlConnectionAudit extends IConstruct {
  /** The ARNs of the clusters whose connection attempts are recorded. */
  readonly auditedClusterArns: string[];

  /** The ARN of the trail, for `DsqlConnectionAuditStore.TRAIL`. */
  readonly trailArn?: string;

  /** The ARN of the event data store, for `DsqlConnectionAuditStore.EVENT_DATA_STORE`. */
  readonly eventDataStoreArn?: string;

  /** The bucket of the trail's log files. */
  readonly bucket?: s3.IBucket;

  /** The log group the trail delivers to, when `cloudWatchLogs` is on. */
  readonly logGroup?: logs.ILogGroup;

  /** The rule on `DbConnectAdmin`, when `adminConnectionRule` is on. */
  readonly adminConnectionRule?: events.IRule;

  /** The alarm on a burst of refused connection attempts, when `refusedConnectionsAlarm` is on. */
  readonly refusedConnectionsAlarm?: cloudwatch.IAlarm;

  /** The rules on connections by principals the app does not declare, one per cluster. */
  readonly unlistedPrincipalRules: events.IRule[];
}
