/**
 * Integration test: a multi-Region pair in one deployment.
 *
 * Two stacks, us-east-1 and us-east-2, with us-west-2 as the witness (one documented Region set), the same
 * resource policy on both clusters. `cdk deploy --all` creates both clusters with the witness only and the
 * peering resource in the second stack peers them. Two assertion stacks, one per Region (an assertion calls
 * the API of its own Region), check that each cluster is ACTIVE and names the other as its peer.
 *
 * Deployable to a sandbox account (`npx projen integ:deploy`); here it is synthesized and compared with its
 * committed snapshot (`npx projen integ:verify`). Deletion protection is off and the removal policy is
 * DESTROY in this integ app only.
 */
import { AwsApiCall, ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { DsqlMultiRegionPair, IDsqlCluster } from '../src';

const app = new App();
// integ-runner gives a placeholder account when it synthesizes the snapshot, the real one when it deploys.
const account = process.env.CDK_INTEG_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012';
const first = new Stack(app, 'SecureDsqlPairFirst', { env: { account, region: 'us-east-1' } });
const second = new Stack(app, 'SecureDsqlPairSecond', { env: { account, region: 'us-east-2' }, crossRegionReferences: true });

const pair = new DsqlMultiRegionPair(first, 'Pair', {
  first: { stack: first, clusterName: 'integ-pair-use1' },
  second: { stack: second, clusterName: 'integ-pair-use2' },
  witnessRegion: 'us-west-2',
  connectConditions: { blockPublicAccess: true },
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});

// One assertion stack per Region, deployed after the pair.
const assertFirst = new Stack(app, 'SecureDsqlPairAssertFirst', { env: { account, region: 'us-east-1' }, crossRegionReferences: true });
const assertSecond = new Stack(app, 'SecureDsqlPairAssertSecond', { env: { account, region: 'us-east-2' }, crossRegionReferences: true });
// The assertions run once the peering is complete (node.addDependency: a stack dependency in every aws-cdk-lib 2.x).
for (const s of [assertFirst, assertSecond]) s.node.addDependency(second);

const integ = new IntegTest(app, 'MultiRegionPairTest', {
  testCases: [first, second, assertSecond],
  assertionStack: assertFirst,
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

/**
 * The peering resource completes only once both clusters are ACTIVE and name each other, and the assertion
 * stacks deploy after it: a short bounded retry covers eventual consistency of GetCluster.
 */
const PEERED = { interval: Duration.seconds(10), totalTimeout: Duration.minutes(5) };

/** The cluster is ACTIVE, names the witness, and names its peer (GetCluster, as client-dsql returns it). */
function reportsPeer(cluster: IDsqlCluster, peer: IDsqlCluster) {
  return ExpectedResult.objectLike({
    arn: cluster.clusterArn,
    status: 'ACTIVE',
    multiRegionProperties: Match.objectLike({ witnessRegion: 'us-west-2', clusters: Match.arrayWith([peer.clusterArn]) }),
  });
}

// In us-east-1: the first cluster reports the second.
integ.assertions.awsApiCall('DSQL', 'GetCluster', { identifier: pair.firstCluster.clusterIdentifier })
  .expect(reportsPeer(pair.firstCluster, pair.secondCluster))
  .waitForAssertions(PEERED);

// In us-east-2: the second cluster reports the first. This call lives in a test-case stack, whose snapshot is
// compared as a whole: its salt (a timestamp that makes an assertion re-run on every deployment) is fixed, as
// every deployment of this test is a fresh one.
const secondReportsFirst = new AwsApiCall(assertSecond, 'SecondReportsFirst', {
  service: 'DSQL',
  api: 'GetCluster',
  parameters: { identifier: pair.secondCluster.clusterIdentifier },
});
secondReportsFirst.expect(reportsPeer(pair.secondCluster, pair.firstCluster)).waitForAssertions(PEERED);
(secondReportsFirst.node.findChild('Default').node.defaultChild as CfnResource).addPropertyOverride('salt', 'integ-multi-region');
