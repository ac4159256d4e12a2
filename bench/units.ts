/**
 * The "secure unit" of the benchmarks: one Aurora DSQL cluster that refuses public connections, an interface
 * endpoint for its connection service on TCP 5432 reachable from one client security group only, whose
 * endpoint policy admits a list of principals only, and a managed policy that lets one role connect to the
 * cluster through that endpoint only (a Deny on every other `aws:SourceVpce`). Written twice: with
 * secure-dsql, and by hand with aws-cdk-lib constructs (the same resources and the same decisions), so the two
 * can be compared for synth time and template size.
 */
import { Annotations, App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lib from '../src';

export const BENCH_ENV = { account: '123456789012', region: 'us-east-1' };

/** The library's constructs, looked up by name (the quota bench reports a construct that is not exported). */
export const LIBRARY: Record<string, any> = lib;

/** The principals the endpoint policy admits (the same list in both variants). */
export const ENDPOINT_PRINCIPALS = [
  `arn:aws:iam::${BENCH_ENV.account}:role/app-*`,
  `arn:aws:iam::${BENCH_ENV.account}:role/db-operator`,
];

/** What every unit of one stack shares: the VPC (no NAT, isolated subnets), the clients' security group and role. */
export interface Shared {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly clients: ec2.SecurityGroup;
  readonly role: iam.Role;
}

export function sharedInfrastructure(app: App, stackId = 'Bench'): Shared {
  const stack = new Stack(app, stackId, { env: BENCH_ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const clients = new ec2.SecurityGroup(stack, 'Clients', { vpc, allowAllOutbound: false, description: 'Database clients' });
  const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, vpc, clients, role };
}

/**
 * The application role of unit `i`: one per unit (IAM attaches at most 10 managed policies to a role by default,
 * which the library checks across the app), the same in both variants.
 */
function unitRole(shared: Shared, i: number): iam.Role {
  // Named `app-<i>`, so that the endpoint policy's `role/app-*` admits it: with a name CloudFormation generates
  // (`<stack>-AppRole<i>…`) the unit's own client could never connect, and the access model says so (a warning
  // per unit, which the benchmark would then measure).
  return new iam.Role(shared.stack, `AppRole${i}`, {
    roleName: `app-${shared.stack.stackName.toLowerCase()}-${i}`,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
}

/** One secure unit built with secure-dsql. */
export function libraryUnit(shared: Shared, i: number): void {
  const cluster = new lib.SecureDsqlCluster(shared.stack, `Cluster${i}`, { connectConditions: { blockPublicAccess: true } });
  const endpoint = new lib.DsqlPrivateLinkEndpoint(shared.stack, `Endpoint${i}`, {
    vpc: shared.vpc,
    cluster,
    allowedClients: [shared.clients],
    allowedPrincipalArns: ENDPOINT_PRINCIPALS,
  });
  // Every unit's endpoint has private DNS in the one VPC, for a service name known at deploy time only: clusters of a
  // Region may share one, and the library warns (secure-dsql:private-dns-may-conflict). Acknowledged once for the
  // stack, as an app that knows its service names differ would; the check itself still runs and is measured. (The
  // hand-written units have the same layout and no check.)
  if (i === 0) Annotations.of(shared.stack).acknowledgeWarning('secure-dsql:private-dns-may-conflict', 'benchmark layout; not deployed');
  new lib.DsqlConnectPolicy(shared.stack, `Connect${i}`, {
    clusters: [cluster],
    roles: [unitRole(shared, i)],
    conditions: { sourceVpcEndpointIds: [endpoint.vpcEndpointId] },
  });
}

const CONNECT_ACTIONS = ['dsql:DbConnect', 'dsql:DbConnectAdmin'];

/**
 * The same unit written by hand with aws-cdk-lib: what a careful team writes from the DSQL user guide, with
 * the same decisions as the library's (the cluster denies requests that come from no VPC; the endpoint admits
 * connections to its cluster from principals of the account on the list only; the role may connect through
 * the endpoint only).
 */
export function handUnit(shared: Shared, i: number): void {
  const { stack } = shared;
  const cluster = new dsql.CfnCluster(stack, `Cluster${i}`, {
    deletionProtectionEnabled: true,
    policyDocument: stack.toJsonString({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'DenyPublicAccess',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: CONNECT_ACTIONS,
        Resource: '*',
        Condition: { Null: { 'aws:SourceVpc': 'true' } },
      }],
    }),
  });
  cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);

  const sg = new ec2.SecurityGroup(stack, `Endpoint${i}SecurityGroup`, {
    vpc: shared.vpc,
    allowAllOutbound: false,
    description: 'Aurora DSQL endpoint: PostgreSQL from the clients only',
  });
  sg.connections.allowFrom(shared.clients, ec2.Port.tcp(5432), 'PostgreSQL from the clients');
  const endpoint = new ec2.InterfaceVpcEndpoint(stack, `Endpoint${i}`, {
    vpc: shared.vpc,
    service: new ec2.InterfaceVpcEndpointService(cluster.attrVpcEndpointServiceName, 5432),
    privateDnsEnabled: true,
    open: false,
    securityGroups: [sg],
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  endpoint.addToPolicy(new iam.PolicyStatement({
    principals: [new iam.StarPrincipal()],
    actions: CONNECT_ACTIONS,
    resources: [cluster.attrResourceArn],
    conditions: { StringEquals: { 'aws:PrincipalAccount': stack.account } },
  }));
  endpoint.addToPolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.StarPrincipal()],
    actions: CONNECT_ACTIONS,
    resources: ['*'],
    conditions: { ArnNotLike: { 'aws:PrincipalArn': ENDPOINT_PRINCIPALS } },
  }));

  new iam.ManagedPolicy(stack, `Connect${i}`, {
    statements: [
      new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: [cluster.attrResourceArn] }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: CONNECT_ACTIONS,
        resources: [cluster.attrResourceArn],
        conditions: { StringNotEqualsIfExists: { 'aws:SourceVpce': [endpoint.vpcEndpointId] } },
      }),
    ],
    roles: [unitRole(shared, i)],
  });
}
