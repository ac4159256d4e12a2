import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import type { DsqlRecommendedAlarmsOptions, IDsqlRecommendedAlarms } from './alarms-ref';
import type { IDsqlCluster } from './cluster-ref';
import { fail } from './private/errors';
import { DEFAULT_CONNECTION_QUOTA, DEFAULT_STORAGE_QUOTA_BYTES } from './private/metrics';
import { PropRule, checkPropShape } from './private/prop-shape';

/**
 * Properties of DsqlRecommendedAlarms.
 */
export interface DsqlRecommendedAlarmsProps extends DsqlRecommendedAlarmsOptions {
  /** The cluster the alarms watch. */
  readonly cluster: IDsqlCluster;
}

/** The shape of the props (src/private/prop-shape.ts): what a JavaScript or jsii caller may get wrong. */
const ALARMS_SHAPE: PropRule[] = [
  { path: 'cluster', kind: 'object', required: true, fix: 'Give the cluster to watch, or use cluster.addRecommendedAlarms(options).' },
];

/**
 * The recommended CloudWatch alarms of an Aurora DSQL cluster: storage near the storage quota, active
 * connections near the connection quota, OCC conflict rate, and DPU above a budget when one is given.
 *
 * Missing data is treated as not breaching: an idle cluster publishes no transactions and no connections.
 * The metrics and their dimensions are those of the cluster's `metric*` methods (README "Metrics and alarms").
 */
export class DsqlRecommendedAlarms extends Construct implements IDsqlRecommendedAlarms {
  public readonly storageAlarm: cloudwatch.IAlarm;
  public readonly connectionsAlarm: cloudwatch.IAlarm;
  public readonly occConflictRateAlarm: cloudwatch.IAlarm;
  public readonly dpuBudgetAlarm?: cloudwatch.IAlarm;
  public readonly alarms: cloudwatch.IAlarm[] = [];

  constructor(scope: Construct, id: string, props: DsqlRecommendedAlarmsProps) {
    super(scope, id);
    checkPropShape(this, props, ALARMS_SHAPE);
    const cluster = props.cluster;
    const what = `Aurora DSQL cluster ${cluster.node.path}`;

    const storageQuota = this.positive('storageQuotaBytes', props.storageQuotaBytes, DEFAULT_STORAGE_QUOTA_BYTES,
      'Give the storage quota of the cluster in bytes, e.g. 10 * 1024 ** 4 for 10 TiB.');
    const storagePercent = this.percent('storageThresholdPercent', props.storageThresholdPercent, 80);
    const connectionQuota = this.positive('connectionQuota', props.connectionQuota, DEFAULT_CONNECTION_QUOTA,
      'Give the connection quota of the cluster, e.g. 10000.', true);
    const connectionPercent = this.percent('connectionThresholdPercent', props.connectionThresholdPercent, 80);
    const occPercent = this.percent('occConflictRatePercent', props.occConflictRatePercent, 5);

    const actions: cloudwatch.IAlarmAction[] = [];
    if (props.alarmAction) actions.push(props.alarmAction);
    if (props.alarmTopic) actions.push(new cloudwatchActions.SnsAction(props.alarmTopic));

    this.storageAlarm = this.alarm('StorageNearQuota', {
      metric: cluster.metricClusterStorageSize({ period: Duration.minutes(15) }),
      threshold: Math.floor(storageQuota * storagePercent / 100),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: `${what}: storage at ${storagePercent}% or more of its quota of ${storageQuota} bytes. `
        + 'Delete data or raise the quota (Service Quotas) before writes fail with DISK_FULL.',
    }, actions);

    this.connectionsAlarm = this.alarm('ConnectionsNearQuota', {
      metric: cluster.metricConnections({ period: Duration.minutes(1) }),
      threshold: Math.floor(connectionQuota * connectionPercent / 100),
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: `${what}: ${connectionPercent}% or more of its quota of ${connectionQuota} connections are open. `
        + 'New connections fail with TOO_MANY_CONNECTIONS at the quota: pool connections or raise the quota.',
    }, actions);

    this.occConflictRateAlarm = this.alarm('OccConflictRate', {
      metric: cluster.metricOccConflictRate({ period: Duration.minutes(5) }),
      threshold: occPercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `${what}: more than ${occPercent}% of transactions abort on OCC conflicts. `
        + 'Look for hot keys and make sure clients retry with jittered backoff.',
    }, actions);

    if (props.dpuBudgetPeriod !== undefined && props.dpuBudget === undefined) {
      fail(this, 'dpuBudgetPeriod', props.dpuBudgetPeriod.toHumanString(), 'is given without dpuBudget',
        'Give dpuBudget too, or leave dpuBudgetPeriod out.');
    }
    if (props.dpuBudget !== undefined) {
      const budget = this.positive('dpuBudget', props.dpuBudget, 0, 'Give the number of DPUs the cluster may use per dpuBudgetPeriod, e.g. 3000.');
      const period = props.dpuBudgetPeriod ?? Duration.days(1);
      this.validatePeriod(period);
      this.dpuBudgetAlarm = this.alarm('DpuAboveBudget', {
        metric: cluster.metricTotalDpu({ period }),
        threshold: budget,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `${what}: TotalDPU over ${period.toHumanString()} exceeds the budget of ${budget} DPU.`,
      }, actions);
    }
  }

  private alarm(id: string, props: cloudwatch.AlarmProps, actions: cloudwatch.IAlarmAction[]): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
    if (actions.length > 0) alarm.addAlarmAction(...actions);
    this.alarms.push(alarm);
    return alarm;
  }

  private positive(prop: string, value: number | undefined, fallback: number, fix: string, integer = false): number {
    if (value === undefined) return fallback;
    if (Token.isUnresolved(value)) {
      fail(this, prop, value, 'is a token; the threshold must be known at synth', 'Give a number.');
    }
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      fail(this, prop, value, `must be a positive ${integer ? 'integer' : 'number'}`, fix);
    }
    return value;
  }

  private percent(prop: string, value: number | undefined, fallback: number): number {
    if (value === undefined) return fallback;
    if (Token.isUnresolved(value) || !Number.isFinite(value) || value <= 0 || value > 100) {
      fail(this, prop, value, 'must be a percentage above 0 and at most 100', `Give a number such as ${fallback}, or leave it out.`);
    }
    return value;
  }

  /** CloudWatch alarm periods are whole minutes here, and an alarm evaluates at most one day. */
  private validatePeriod(period: Duration): void {
    const seconds = period.toSeconds();
    if (seconds < 60 || seconds > 86_400 || seconds % 60 !== 0) {
      fail(this, 'dpuBudgetPeriod', period.toHumanString(), 'must be whole minutes between 1 minute and 1 day',
        'Use e.g. Duration.hours(1) or Duration.days(1).');
    }
  }
}
