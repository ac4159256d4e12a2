/**
 * The example app: one secure Aurora DSQL setup, as a platform team would write it.
 *
 * `npm run example` synthesizes it and prints what it built (see summary.ts). Deploy it with
 * `npx cdk deploy --app "npx ts-node --project test/tsconfig.json examples/main.ts"` after replacing the
 * account below with yours.
 */
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { SecureDsqlCluster } from '../src';

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

    this.cluster = new SecureDsqlCluster(this, 'Orders', {
      clusterName: 'orders',
      encryptionKey: key,
      // Resource policy: nobody connects over the internet, whatever their identity policy says.
      connectConditions: { blockPublicAccess: true },
    });
    this.cluster.grantConnect(appRole);

    new CfnOutput(this, 'ClusterIdentifier', { value: this.cluster.clusterIdentifier });
    new CfnOutput(this, 'ClusterArn', { value: this.cluster.clusterArn });
    new CfnOutput(this, 'VpcEndpointServiceName', { value: this.cluster.vpcEndpointServiceName! });
  }
}

/** Build the example app (used by summary.ts, main.ts and the snapshot test). */
export function buildExampleApp(app: App = new App()): App {
  new SecureDsqlExampleStack(app, 'SecureDsqlExample', { env: EXAMPLE_ENV });
  return app;
}
