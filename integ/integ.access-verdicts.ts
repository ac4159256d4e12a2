/**
 * Integration test: the access report's verdicts, tried against AWS.
 *
 * One VPC without NAT (isolated subnets only), one cluster that blocks public access and admits only its own
 * VPC and a list of principals, one DsqlPrivateLinkEndpoint with an endpoint policy (allowedPrincipalArns) and
 * a network ACL on its subnets (allowedCidrs: the `apps` subnets only), and client Lambdas each placed where it
 * meets one layer.
 * Every client × route the report decides becomes one assertion (`assertReportVerdicts`): nothing here says
 * by hand who connects.
 *
 * | client          | where                       | what denies it, and on which route                       |
 * | --------------- | --------------------------- | -------------------------------------------------------- |
 * | Allowed         | apps subnets, admitted      | nothing through the endpoint (identity, cluster policy,  |
 * |                 |                             | endpoint policy, security group, network ACL all allow); |
 * |                 |                             | the internet: no route (placement), cluster policy       |
 * | NotListed       | apps subnets, admitted      | endpoint policy (not in allowedPrincipalArns)            |
 * | IdentityDenied  | apps subnets, admitted      | identity (an explicit Deny in its own policy)            |
 * | NoSecurityGroup | apps subnets, not admitted  | security group (the endpoint's admits it not)            |
 * | OtherSubnet     | other subnets, admitted     | network ACL (the endpoint subnets' ACL drops it)         |
 * | NotInCluster…   | apps subnets, admitted      | cluster policy (not in its principalArns)                |
 * | Outside         | outside any VPC             | cluster policy over the internet (block public access,   |
 * |                 |                             | source VPC); placement through the endpoint              |
 *
 * Every client in a VPC is also asserted over the internet: isolated subnets have no route (placement), so the
 * connection times out. Outside is also denied by the endpoint policy through the endpoint (it is not listed),
 * but the network drops it first: a network failure. The database-role handler is tried in
 * integ.database-role.ts, the source-IP condition in integ.trusted-ips.ts.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureDsqlCluster } from '../src';
import { ConnectCheck, assertReportVerdicts } from './clients';

const app = new App();
const stack = new Stack(app, 'SecureDsqlAccessVerdicts');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'),
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [
    { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
    { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    { name: 'other', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
  ],
});

const apps = { subnetGroupName: 'apps' };
const notInClusterPolicy = new ConnectCheck(stack, 'NotInClusterPolicy', { vpc, vpcSubnets: apps });

const allowed = new ConnectCheck(stack, 'Allowed', { vpc, vpcSubnets: apps });
const notListed = new ConnectCheck(stack, 'NotListed', { vpc, vpcSubnets: apps });
const identityDenied = new ConnectCheck(stack, 'IdentityDenied', { vpc, vpcSubnets: apps });
const noSecurityGroup = new ConnectCheck(stack, 'NoSecurityGroup', { vpc, vpcSubnets: apps });
const otherSubnet = new ConnectCheck(stack, 'OtherSubnet', { vpc, vpcSubnets: { subnetGroupName: 'other' } });
const outside = new ConnectCheck(stack, 'Outside');
const clients = [allowed, notListed, identityDenied, noSecurityGroup, otherSubnet, outside, notInClusterPolicy];
const cluster = new SecureDsqlCluster(stack, 'Cluster', {
  clusterName: 'integ-access-verdicts',
  connectConditions: {
    blockPublicAccess: true,
    sourceVpcIds: [vpc.vpcId],
    principalArns: clients.filter((c) => c !== notInClusterPolicy).map((c) => c.role!.roleArn),
  },
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});
for (const c of clients) cluster.grantConnectAdmin(c);
identityDenied.addToRolePolicy(new iam.PolicyStatement({
  effect: iam.Effect.DENY,
  actions: ['dsql:DbConnectAdmin'],
  resources: [cluster.clusterArn],
}));

const endpoint = cluster.addPrivateLinkEndpoint('Private', {
  vpc,
  vpcSubnets: { subnetGroupName: 'endpoints' },
  allowedClients: [allowed, notListed, identityDenied, otherSubnet, notInClusterPolicy],
  allowedPrincipalArns: clients.filter((c) => c !== notListed && c !== outside).map((c) => c.role!.roleArn),
  networkAcl: { allowedCidrs: vpc.selectSubnets(apps).subnets.map((s) => s.ipv4CidrBlock) },
});

const integ = new IntegTest(app, 'AccessVerdictsTest', {
  testCases: [stack],
  regions: ['us-east-1'],
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

assertReportVerdicts(integ, { cluster, clients, endpoints: [endpoint] });
