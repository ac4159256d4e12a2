/**
 * Integration test: the private path.
 *
 * A VPC without NAT (isolated subnets only), a cluster that blocks public access, a DsqlPrivateLinkEndpoint
 * on 5432 with private DNS, and two client Lambdas in the VPC whose security groups are aligned with the
 * endpoint's. Both may call dsql:DbConnectAdmin on the cluster; only the first is in the endpoint policy's
 * allowedPrincipalArns. The first makes a token for the private host and runs SELECT 1 over TLS; the second
 * is refused. The expectations are the access report's verdicts (`assertReportVerdicts`).
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecureDsqlCluster } from '../src';
import { ConnectCheck, assertReportVerdicts } from './clients';

const app = new App();
const stack = new Stack(app, 'SecureDsqlPrivateLink');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [
    { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
    { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
  ],
});

const cluster = new SecureDsqlCluster(stack, 'Cluster', {
  clusterName: 'integ-private-link',
  connectConditions: { blockPublicAccess: true },
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});

const apps = { subnetGroupName: 'apps' };
const allowed = new ConnectCheck(stack, 'Allowed', { vpc, vpcSubnets: apps });
const notListed = new ConnectCheck(stack, 'NotListed', { vpc, vpcSubnets: apps });
cluster.grantConnectAdmin(allowed);
cluster.grantConnectAdmin(notListed);

const endpoint = cluster.addPrivateLinkEndpoint('Private', {
  vpc,
  vpcSubnets: { subnetGroupName: 'endpoints' },
  allowedClients: [allowed, notListed],
  allowedPrincipalArns: [allowed.role!.roleArn],
});
endpoint.addHostNameOutput(cluster);

const integ = new IntegTest(app, 'PrivateLinkTest', {
  testCases: [stack],
  regions: ['us-east-1'],
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

// Each client × route the access report decides is asserted as it decides (see integ/clients/verdicts.ts):
// Allowed connects through the endpoint; NotListed is refused by the endpoint policy (the security group admits it,
// and its identity policy allows the action); over the internet neither has a route (isolated subnets).
assertReportVerdicts(integ, { cluster, clients: [allowed, notListed], endpoints: [endpoint] });
