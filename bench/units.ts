/**
 * The "secure unit" of the benchmarks: one Aurora DSQL cluster that refuses public connections, an interface
 * endpoint for its connection service on TCP 5432 reachable from one client security group only, and a
 * managed policy that lets one role connect to it. Written twice: with secure-dsql, and by hand with
 * aws-cdk-lib constructs, so the two can be compared for synth time and template size.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lib from '../src';

export const BENCH_ENV = { account: '123456789012', region: 'us-east-1' };

/** The library's constructs, looked up by name so the bench still runs while some are not exported yet. */
export const LIBRARY: Record<string, any> = lib;

/** Names of the constructs a unit needs that `src/index.ts` does not export (yet). */
export function missingConstructs(): string[] {
  return ['SecureDsqlCluster', 'DsqlPrivateLinkEndpoint', 'DsqlConnectPolicy'].filter(name => typeof LIBRARY[name] !== 'function');
}

/** What every unit shares: the VPC (no NAT, isolated subnets), the clients' security group and role. */
export interface Shared {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly clients: ec2.SecurityGroup;
  readonly role: iam.Role;
}

export function sharedInfrastructure(app: App): Shared {
  const stack = new Stack(app, 'Bench', { env: BENCH_ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const clients = new ec2.SecurityGroup(stack, 'Clients', { vpc, allowAllOutbound: false, description: 'Database clients' });
  const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, vpc, clients, role };
}

/** One secure unit built with secure-dsql. */
export function libraryUnit(shared: Shared, i: number): void {
  const cluster = new lib.SecureDsqlCluster(shared.stack, `Cluster${i}`, { connectConditions: { blockPublicAccess: true } });
  new LIBRARY.DsqlPrivateLinkEndpoint(shared.stack, `Endpoint${i}`, {
    vpc: shared.vpc,
    cluster,
    allowedClients: [shared.clients],
  });
  new LIBRARY.DsqlConnectPolicy(shared.stack, `Connect${i}`, { clusters: [cluster], roles: [shared.role] });
}

const CONNECT_ACTIONS = ['dsql:DbConnect', 'dsql:DbConnectAdmin'];

/** The same unit written by hand with aws-cdk-lib: what a careful team writes from the DSQL user guide. */
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
  new ec2.InterfaceVpcEndpoint(stack, `Endpoint${i}`, {
    vpc: shared.vpc,
    service: new ec2.InterfaceVpcEndpointService(cluster.attrVpcEndpointServiceName, 5432),
    privateDnsEnabled: true,
    open: false,
    securityGroups: [sg],
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });

  new iam.ManagedPolicy(stack, `Connect${i}`, {
    statements: [new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: [cluster.attrResourceArn] })],
    roles: [shared.role],
  });
}
