/**
 * Integration test: a connection audit of a cluster.
 *
 * A cluster with a customer-managed key, audited with one line: a trail that records its `DbConnect` /
 * `DbConnectAdmin` data events into an encrypted bucket and log group, its signals to an encrypted topic.
 * The assertion asks CloudTrail whether the trail is logging.
 *
 * The audit bucket and log group are retained when the stack is deleted (as in any app): delete them by
 * hand after a deployed run.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SecureDsqlCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'SecureDsqlConnectionAudit');

const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
const topic = new sns.Topic(stack, 'SecurityTopic', { masterKey: key, enforceSSL: true });

const cluster = new SecureDsqlCluster(stack, 'Cluster', {
  clusterName: 'integ-connection-audit',
  encryptionKey: key,
  connectConditions: { blockPublicAccess: true },
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});

const audit = cluster.addConnectionAudit('ConnectionAudit', { encryptionKey: key, alarmTopic: topic });

const integ = new IntegTest(app, 'ConnectionAuditTest', {
  testCases: [stack],
  regions: ['us-east-1'],
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

// The trail records: CloudTrail reports it logging as soon as it exists.
integ.assertions.awsApiCall('CloudTrail', 'getTrailStatus', { Name: audit.trailArn })
  .expect(ExpectedResult.objectLike({ IsLogging: true }));
