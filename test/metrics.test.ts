/**
 * Metrics and recommended alarms (issue "Operate it", part 2): namespaces, dimensions and statistics as the
 * Aurora DSQL user guide ("Monitoring Aurora DSQL with Amazon CloudWatch") and the CloudWatch usage-metrics
 * page give them; alarms with their thresholds and actions; refusals.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DsqlRecommendedAlarms, IDsqlRecommendedAlarms, SecureDsqlCluster } from '../src';
import { ENV } from './support/iam-eval';

const ID = 'abcdefghijklmnopqrstuvwxyz';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

/** The synthesized properties of the recommended alarms, by name. */
function alarms(s: Stack, created: IDsqlRecommendedAlarms): Record<string, any> {
  const resources = Template.fromStack(s).toJSON().Resources;
  const props = (alarm: cloudwatch.IAlarm | undefined) =>
    alarm && resources[s.getLogicalId(alarm.node.defaultChild as cloudwatch.CfnAlarm)].Properties;
  const out: Record<string, any> = {
    StorageNearQuota: props(created.storageAlarm),
    ConnectionsNearQuota: props(created.connectionsAlarm),
    OccConflictRate: props(created.occConflictRateAlarm),
  };
  if (created.dpuBudgetAlarm) out.DpuAboveBudget = props(created.dpuBudgetAlarm);
  return out;
}

describe('metrics', () => {
  test.each([
    ['metricTotalDpu', 'TotalDPU', 'Sum'],
    ['metricComputeDpu', 'ComputeDPU', 'Sum'],
    ['metricReadDpu', 'ReadDPU', 'Sum'],
    ['metricWriteDpu', 'WriteDPU', 'Sum'],
    ['metricMultiRegionWriteDpu', 'MultiRegionWriteDPU', 'Sum'],
    ['metricTotalTransactions', 'TotalTransactions', 'Sum'],
    ['metricReadOnlyTransactions', 'ReadOnlyTransactions', 'Sum'],
    ['metricOccConflicts', 'OccConflicts', 'Sum'],
    ['metricQueryTimeouts', 'QueryTimeouts', 'Sum'],
    ['metricCommitLatency', 'CommitLatency', 'Average'],
    ['metricClusterStorageSize', 'ClusterStorageSize', 'Maximum'],
  ] as const)('%s: AWS/AuroraDSQL %s, dimension ClusterId, %s over 5 minutes', (method, name, statistic) => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const metric = cluster[method]();
    expect(metric.namespace).toBe('AWS/AuroraDSQL');
    expect(metric.metricName).toBe(name);
    expect(metric.statistic).toBe(statistic);
    expect(metric.period.toSeconds()).toBe(300);
    expect(Object.keys(metric.dimensions!)).toEqual(['ClusterId']);
    expect(s.resolve(metric.dimensions!.ClusterId)).toEqual({ 'Fn::GetAtt': [s.getLogicalId(cluster.cfnCluster), 'Identifier'] });
    expect(metric.unit).toBeUndefined();
  });

  test('metric(name, props) takes any name; props override the statistic and period; dimensionsMap replaces the dimensions', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    const bytes = cluster.metric('BytesWritten');
    expect([bytes.namespace, bytes.statistic, bytes.dimensions]).toEqual(['AWS/AuroraDSQL', 'Sum', { ClusterId: ID }]);
    const unknown = cluster.metric('SomethingNew');
    expect(unknown.statistic).toBe('Average');
    const p99 = cluster.metricCommitLatency({ statistic: 'p99', period: Duration.minutes(1) });
    expect([p99.statistic, p99.period.toSeconds()]).toEqual(['p99', 60]);
    expect(cluster.metric('TotalDPU', { dimensionsMap: { ResourceId: ID } }).dimensions).toEqual({ ResourceId: ID });
  });

  test('connections: AWS/Usage ResourceCount with the documented dimensions, Maximum over 1 minute', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    const m = cluster.metricConnections();
    expect([m.namespace, m.metricName, m.statistic, m.period.toSeconds()]).toEqual(['AWS/Usage', 'ResourceCount', 'Maximum', 60]);
    expect(m.dimensions).toEqual({
      Service: 'AuroraDSQL', Type: 'Resource', Resource: 'ClusterConnectionCount', ResourceId: `cluster/${ID}`, Class: 'None',
    });
  });

  test('connection attempts: AWS/Usage CallCount for DbConnect and DbConnectAdmin, Sum', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    for (const [m, resource] of [[cluster.metricDbConnectCalls(), 'DbConnect'], [cluster.metricDbConnectAdminCalls(), 'DbConnectAdmin']] as const) {
      expect([m.namespace, m.metricName, m.statistic]).toEqual(['AWS/Usage', 'CallCount', 'Sum']);
      expect(m.dimensions).toEqual({ Service: 'AuroraDSQL', Type: 'API', Resource: resource, ResourceId: `cluster/${ID}`, Class: 'None' });
    }
  });

  test('OCC conflict rate: metric math over OccConflicts and TotalTransactions (Sum), in percent', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    const rate = cluster.metricOccConflictRate({ period: Duration.minutes(10) }) as cloudwatch.MathExpression;
    expect(rate.expression).toBe('IF(transactions > 0, 100 * conflicts / transactions, 0)');
    const using = rate.usingMetrics as Record<string, cloudwatch.Metric>;
    expect([using.conflicts.metricName, using.conflicts.statistic, using.conflicts.period.toSeconds()]).toEqual(['OccConflicts', 'Sum', 600]);
    expect([using.transactions.metricName, using.transactions.statistic]).toEqual(['TotalTransactions', 'Sum']);
  });

  test('an alarm in another Region than an imported cluster is refused, not silently empty', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: ID, region: 'eu-west-1' });
    expect(() => cluster.metricTotalDpu().createAlarm(s, 'A', { threshold: 1, evaluationPeriods: 1 })).toThrow(/region/i);
  });
});

describe('addRecommendedAlarms', () => {
  test('storage, connections and OCC rate by default, with the quotas of the user guide and no DPU alarm', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const created = cluster.addRecommendedAlarms();
    expect(created).toBeInstanceOf(DsqlRecommendedAlarms);
    expect(created.alarms).toHaveLength(3);
    expect(created.dpuBudgetAlarm).toBeUndefined();
    const a = alarms(s, created);
    const clusterId = { 'Fn::GetAtt': [s.getLogicalId(cluster.cfnCluster), 'Identifier'] };
    expect(a.StorageNearQuota).toMatchObject({
      Namespace: 'AWS/AuroraDSQL',
      MetricName: 'ClusterStorageSize',
      Statistic: 'Maximum',
      Period: 900,
      Dimensions: [{ Name: 'ClusterId', Value: clusterId }],
      Threshold: Math.floor(10 * 1024 ** 4 * 0.8),
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(a.ConnectionsNearQuota).toMatchObject({
      Namespace: 'AWS/Usage',
      MetricName: 'ResourceCount',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 8000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    expect(a.ConnectionsNearQuota.Dimensions).toEqual(expect.arrayContaining([
      { Name: 'Service', Value: 'AuroraDSQL' }, { Name: 'Type', Value: 'Resource' }, { Name: 'Resource', Value: 'ClusterConnectionCount' },
      { Name: 'Class', Value: 'None' }, { Name: 'ResourceId', Value: { 'Fn::Join': ['', ['cluster/', clusterId]] } },
    ]));
    expect(a.OccConflictRate.Threshold).toBe(5);
    const queries = a.OccConflictRate.Metrics;
    expect(queries.find((q: any) => q.Expression)).toMatchObject({ Expression: 'IF(transactions > 0, 100 * conflicts / transactions, 0)' });
    const stats = queries.filter((q: any) => q.MetricStat)
      .map((q: any) => [q.Id, q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName, q.MetricStat.Stat, q.MetricStat.Period]);
    expect(stats).toEqual(expect.arrayContaining([
      ['conflicts', 'AWS/AuroraDSQL', 'OccConflicts', 'Sum', 300], ['transactions', 'AWS/AuroraDSQL', 'TotalTransactions', 'Sum', 300],
    ]));
    for (const alarm of Object.values<any>(a)) expect(alarm.AlarmActions).toBeUndefined();
  });

  test('a DPU budget, raised quotas and thresholds, and an SNS topic plus another action on every alarm', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    const topic = new sns.Topic(s, 'Ops');
    const created = cluster.addRecommendedAlarms({
      alarmTopic: topic,
      alarmAction: { bind: () => ({ alarmActionArn: 'arn:aws:sns:us-east-1:123456789012:pager' }) },
      dpuBudget: 3000,
      dpuBudgetPeriod: Duration.hours(1),
      storageQuotaBytes: 20 * 1024 ** 4,
      storageThresholdPercent: 90,
      connectionQuota: 20_000,
      connectionThresholdPercent: 50,
      occConflictRatePercent: 2.5,
    });
    expect(created.alarms).toHaveLength(4);
    const a = alarms(s, created);
    expect(a.DpuAboveBudget).toMatchObject({
      Namespace: 'AWS/AuroraDSQL',
      MetricName: 'TotalDPU',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 3000,
      Dimensions: [{ Name: 'ClusterId', Value: ID }],
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(a.StorageNearQuota.Threshold).toBe(Math.floor(20 * 1024 ** 4 * 0.9));
    expect(a.ConnectionsNearQuota.Threshold).toBe(10_000);
    expect(a.OccConflictRate.Threshold).toBe(2.5);
    for (const alarm of Object.values<any>(a)) {
      expect(alarm.AlarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:pager', { Ref: s.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }]);
    }
    Template.fromStack(s).resourceCountIs('AWS::CloudWatch::Alarm', 4);
    Template.fromStack(s).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('Stack/Db: TotalDPU over 1 hour exceeds the budget of 3000 DPU') });
  });

  test.each([
    [{ dpuBudget: 0 }, /dpuBudget must be a positive number \(got 0\)/],
    [{ dpuBudget: -5 }, /dpuBudget must be a positive number/],
    [{ dpuBudget: 10, dpuBudgetPeriod: Duration.seconds(90) }, /dpuBudgetPeriod must be whole minutes between 1 minute and 1 day \(got "1 minute 30 seconds"\)/],
    [{ dpuBudget: 10, dpuBudgetPeriod: Duration.days(2) }, /dpuBudgetPeriod must be whole minutes between 1 minute and 1 day/],
    [{ dpuBudgetPeriod: Duration.hours(1) }, /dpuBudgetPeriod is given without dpuBudget/],
    [{ storageThresholdPercent: 0 }, /storageThresholdPercent must be a percentage above 0 and at most 100 \(got 0\)/],
    [{ connectionThresholdPercent: 120 }, /connectionThresholdPercent must be a percentage above 0 and at most 100 \(got 120\)/],
    [{ occConflictRatePercent: Number.NaN }, /occConflictRatePercent must be a percentage/],
    [{ connectionQuota: 10.5 }, /connectionQuota must be a positive integer \(got 10.5\)/],
    [{ storageQuotaBytes: -1 }, /storageQuotaBytes must be a positive number/],
  ])('refuses %p', (options, message) => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    expect(() => cluster.addRecommendedAlarms(options)).toThrow(message);
    expect(() => SecureDsqlCluster.fromClusterIdentifier(stack(), 'Db', ID).addRecommendedAlarms(options))
      .toThrow(/^Stack\/Db\/RecommendedAlarms: /);
  });

  test('a second call is refused with a fix', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    cluster.addRecommendedAlarms();
    expect(() => cluster.addRecommendedAlarms({ dpuBudget: 10 })).toThrow(/Stack\/Db: addRecommendedAlarms\(options\) is called a second time on this cluster/);
  });
});
