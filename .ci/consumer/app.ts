/**
 * A brand-new consumer app, as the README's "Your first app" builds it, synthesized by .ci/consumer-check from
 * the packed tarball against the newest aws-cdk-lib 2.x. It imports the library by its package name.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DsqlTablePrivilege, SecureDsqlCluster } from 'secure-dsql';

class DatabaseStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const cluster = new SecureDsqlCluster(this, 'Db', {
      encryptionKey: new kms.Key(this, 'Key', { enableKeyRotation: true }),
      connectConditions: { blockPublicAccess: true },
    });
    const fn = new lambda.Function(this, 'App', {
      vpc,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ ok: true });'),
    });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc, allowedClients: [fn] });
    const role = cluster.addDatabaseRole('AppRole', {
      roleName: 'app',
      schemaPrivileges: [{ schema: 'public', tables: [DsqlTablePrivilege.SELECT] }],
      endpoint,
    });
    role.grantConnect(fn);
    fn.addEnvironment('DSQL_HOST', endpoint.hostNameFor(cluster));
  }
}

const app = new App();
new DatabaseStack(app, 'ConsumerDatabase');
app.synth();
