import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';

/**
 * Which recommended alarms `addRecommendedAlarms` creates, their thresholds, and where they notify.
 *
 * Always created: storage near the storage quota, and active connections near the connection quota.
 * Created by default: OCC conflict rate. Created when `dpuBudget` is given: DPU above the budget.
 */
export interface DsqlRecommendedAlarmsOptions {
  /**
   * An action every alarm triggers when it goes into ALARM (e.g. `new cloudwatch_actions.SnsAction(topic)`).
   *
   * @default - no action besides `alarmTopic`
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;

  /**
   * An SNS topic every alarm notifies when it goes into ALARM.
   *
   * @default - no topic besides `alarmAction`
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * The storage quota of the cluster in bytes, if you raised it (Service Quotas).
   *
   * @default 10 TiB (10 * 1024^4 bytes), the Aurora DSQL default quota
   */
  readonly storageQuotaBytes?: number;

  /**
   * The storage alarm goes off when `ClusterStorageSize` reaches this percentage of `storageQuotaBytes`.
   *
   * @default 80
   */
  readonly storageThresholdPercent?: number;

  /**
   * The connection quota of the cluster, if you raised it (Service Quotas).
   *
   * @default 10000, the Aurora DSQL default quota
   */
  readonly connectionQuota?: number;

  /**
   * The connections alarm goes off when active connections (`AWS/Usage` `ResourceCount`) reach this
   * percentage of `connectionQuota` for three consecutive minutes.
   *
   * @default 80
   */
  readonly connectionThresholdPercent?: number;

  /**
   * A DPU budget: the alarm goes off when `TotalDPU` summed over `dpuBudgetPeriod` exceeds it.
   *
   * @default - no DPU alarm
   */
  readonly dpuBudget?: number;

  /**
   * The period the DPU budget applies to, between 1 minute and 1 day, in whole minutes.
   *
   * @default Duration.days(1)
   */
  readonly dpuBudgetPeriod?: Duration;

  /**
   * The OCC conflict rate alarm goes off when more than this percentage of transactions abort on an
   * optimistic-concurrency conflict for three consecutive 5-minute periods. The default is the library's
   * choice, not an AWS figure: a rate that high means hot keys or retries without backoff.
   *
   * @default 5
   */
  readonly occConflictRatePercent?: number;
}

/**
 * The alarms `addRecommendedAlarms` created.
 */
export interface IDsqlRecommendedAlarms extends IConstruct {
  /** Storage near the storage quota. */
  readonly storageAlarm: cloudwatch.IAlarm;

  /** Active connections near the connection quota. */
  readonly connectionsAlarm: cloudwatch.IAlarm;

  /** OCC conflict rate above its threshold. */
  readonly occConflictRateAlarm: cloudwatch.IAlarm;

  /** DPU above the budget, when a budget was given. */
  readonly dpuBudgetAlarm?: cloudwatch.IAlarm;

  /** Every alarm created. */
  readonly alarms: cloudwatch.IAlarm[];
}
