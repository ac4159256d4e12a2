/**
 * Integration test: a cluster that trusts public IPs only.
 *
 * A VPC whose single NAT gateway has an Elastic IP we own; the cluster's resource policy trusts exactly
 * that address (`sourceIps: [<eip>/32]`, a token resolved at deploy time). A client Lambda behind the NAT
 * connects over the internet and succeeds; a client Lambda outside the VPC (another AWS address) is refused.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecureDsqlCluster } from '../src';
import { CONNECT_RETRY, ConnectCheck, connected, refused } from './clients';

const app = new App();
const stack = new Stack(app, 'SecureDsqlTrustedIps');

const eip = new ec2.CfnEIP(stack, 'NatIp', { domain: 'vpc' });
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 1,
  natGateways: 1,
  natGatewayProvider: ec2.NatProvider.gateway({ eipAllocationIds: [eip.attrAllocationId] }),
  subnetConfiguration: [
    { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
    { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  ],
});

const cluster = new SecureDsqlCluster(stack, 'Cluster', {
  clusterName: 'integ-trusted-ips',
  connectConditions: { sourceIps: [Fn.join('', [eip.attrPublicIp, '/32'])] },
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});

const behindNat = new ConnectCheck(stack, 'BehindNat', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
const elsewhere = new ConnectCheck(stack, 'Elsewhere');
cluster.grantConnectAdmin(behindNat);
cluster.grantConnectAdmin(elsewhere);

const integ = new IntegTest(app, 'TrustedIpsTest', {
  testCases: [stack],
  regions: ['us-east-1'],
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

const event = { host: cluster.clusterEndpoint, region: stack.region, user: 'admin' };

// The cluster's resource policy and the clients' roles are new: retry until they apply.
const behindNatConnects = integ.assertions.invokeFunction({ functionName: behindNat.functionName, payload: JSON.stringify(event) })
  .expect(connected())
  .waitForAssertions(CONNECT_RETRY);

// Refused by the resource policy: its address is not the NAT gateway's. Checked once the client behind the NAT
// got through, so that the policy is in effect.
behindNatConnects.next(
  integ.assertions.invokeFunction({ functionName: elsewhere.functionName, payload: JSON.stringify(event) })
    .expect(refused())
    .waitForAssertions(CONNECT_RETRY),
);
