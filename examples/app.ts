/**
 * The example app: one secure Aurora DSQL setup, as a platform team would write it.
 *
 * `npm run example` synthesizes it and prints what it built (see summary.ts). Deploy it with
 * `npx cdk deploy --app "npx ts-node --project test/tsconfig.json examples/main.ts"` after replacing the
 * account below with yours.
 */
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DsqlConnectPolicy, DsqlTablePrivilege, SecureDsqlCluster } from '../src';

/** Fixed so that the synthesized template (and its snapshot test) is the same on every machine. */
export const EXAMPLE_ENV = { account: '123456789012', region: 'us-east-1' };

export class SecureDsqlExampleStack extends Stack {
  public readonly cluster: SecureDsqlCluster;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // A customer-managed key with rotation: the cluster adds the key-policy statements DSQL needs.
    const key = new kms.Key(this, 'ClusterKey', {
      description: 'Encrypts the orders Aurora DSQL cluster',
      enableKeyRotation: true,
    });

    // The application's role: it may connect as a custom database role, nothing more.
    const appRole = new iam.Role(this, 'AppRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Application role that connects to the orders cluster',
    });

    // A VPC without NAT: the cluster is reached through PrivateLink only.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
        { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    // The application's security group (e.g. of its Lambda functions or tasks).
    const appSecurityGroup = new ec2.SecurityGroup(this, 'AppSecurityGroup', {
      vpc,
      description: 'Application clients of the orders cluster',
      allowAllOutbound: false,
    });

    this.cluster = new SecureDsqlCluster(this, 'Orders', {
      clusterName: 'orders',
      encryptionKey: key,
      // Resource policy: nobody connects over the internet, whatever their identity policy says.
      connectConditions: { blockPublicAccess: true },
    });

    // Private path: interface endpoint on 5432 with private DNS; only the app's security group (and the
    // database-role handler below, which aligns its own) may reach it.
    const endpoint = this.cluster.addPrivateLinkEndpoint('Private', {
      vpc,
      vpcSubnets: { subnetGroupName: 'endpoints' },
      allowedClients: [appSecurityGroup],
    });

    // Identity policy: DbConnect on this cluster only, and only through this VPC.
    new DsqlConnectPolicy(this, 'AppConnect', {
      clusters: [this.cluster],
      conditions: { sourceVpcIds: [vpc.vpcId] },
      roles: [appRole],
    });

    // Database layer: the app role logs in as `orders_app`, which may read and write the tables of `public`.
    this.cluster.addDatabaseRole('OrdersApp', {
      roleName: 'orders_app',
      principals: [appRole],
      schemaPrivileges: [{
        schema: 'public',
        tables: [DsqlTablePrivilege.SELECT, DsqlTablePrivilege.INSERT, DsqlTablePrivilege.UPDATE],
      }],
      endpoint,
    });

    new CfnOutput(this, 'ClusterIdentifier', { value: this.cluster.clusterIdentifier });
    new CfnOutput(this, 'ClusterArn', { value: this.cluster.clusterArn });
    new CfnOutput(this, 'PrivateHostName', { value: endpoint.hostNameFor(this.cluster) });
  }
}

/** Build the example app (used by summary.ts, main.ts and the snapshot test). */
export function buildExampleApp(app: App = new App()): App {
  new SecureDsqlExampleStack(app, 'SecureDsqlExample', { env: EXAMPLE_ENV });
  return app;
}
