/**
 * Integration test: a cluster with a customer-managed key and a resource policy that blocks public access.
 *
 * Deployable to a sandbox account (`npx projen integ:deploy`); here it is synthesized and compared with
 * its committed snapshot (`npx projen integ:verify`). Deletion protection is off and the removal policy
 * is DESTROY in integ stacks only, so that the test cleans up after itself.
 */
import { IntegTest, ExpectedResult, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SecureDsqlCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'SecureDsqlClusterCmk');

const key = new kms.Key(stack, 'Key', {
  enableKeyRotation: true,
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: undefined,
});

const cluster = new SecureDsqlCluster(stack, 'Cluster', {
  clusterName: 'integ-cmk',
  encryptionKey: key,
  connectConditions: { blockPublicAccess: true },
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'ClusterCmkTest', {
  testCases: [stack],
  regions: ['us-east-1'],
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

// The cluster is active and encrypted with the customer-managed key (retried while it is still being set up).
integ.assertions.awsApiCall('DSQL', 'GetCluster', { identifier: cluster.clusterIdentifier })
  .expect(ExpectedResult.objectLike({
    status: 'ACTIVE',
    deletionProtectionEnabled: false,
    encryptionDetails: Match.objectLike({ encryptionType: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyArn: key.keyArn }),
  }))
  .waitForAssertions({ interval: Duration.seconds(10), totalTimeout: Duration.minutes(3) });

// Its resource policy denies connections that do not come through a VPC endpoint. GetClusterPolicy returns the
// policy as a JSON string: match it with serializedJson. (Not `assertAtPath('policy', …)`: asserting at a path
// flattens the response after parsing the JSON strings inside it, so nothing is left at `policy` itself.)
integ.assertions.awsApiCall('DSQL', 'GetClusterPolicy', { identifier: cluster.clusterIdentifier })
  .expect(ExpectedResult.objectLike({
    policy: Match.serializedJson(Match.objectLike({
      Statement: Match.arrayWith([Match.objectLike({
        Sid: 'DenyPublicAccess',
        Effect: 'Deny',
        Condition: { Null: { 'aws:SourceVpc': 'true' } },
      })]),
    })),
  }));
