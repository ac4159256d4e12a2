/**
 * A representative app for the compliance tests: every construct of the library, used the way the README
 * recommends (customer-managed key, public access blocked, private path through an interface endpoint, an
 * allowed client Lambda function, a least-privilege connect policy, a database role), next to the
 * deliberately insecure canary that proves the checks can fail.
 *
 * The resources around the library's constructs (VPC, key, client function) are written to pass the packs
 * too, so that a finding caused by the library on a user's resource would show up.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CompliantNetwork, InsecureCanary, TEST_ENV, allowCloudWatchLogs, compliantKey } from './fixtures';
import { constructClassesOf, ownedRoots } from './harness';
import * as lib from '../../src';

/** The library's exports, looked up by name for constructs that are not exported yet. */
const LIBRARY: Record<string, any> = lib;

export interface RepresentativeApp {
  readonly app: App;
  readonly stack: Stack;
  readonly canary: InsecureCanary;
  /** Paths of the library's constructs in the app (outermost only). */
  readonly libraryConstructs: string[];
  /** Construct classes exported from src/index.ts that this app does not use. */
  readonly notCovered: string[];
}

export function buildRepresentativeApp(app: App): RepresentativeApp {
  const stack = new Stack(app, 'Representative', { env: TEST_ENV });
  const network = new CompliantNetwork(stack, 'Network');
  const vpc = network.vpc;
  const key = compliantKey(stack, 'ClusterKey', 'Encrypts the Aurora DSQL cluster');
  allowCloudWatchLogs(key);

  const cluster = new lib.SecureDsqlCluster(stack, 'Cluster', {
    clusterName: 'orders',
    encryptionKey: key,
    connectConditions: { blockPublicAccess: true },
  });

  // The application's client: a Lambda function in the VPC with its own security group and a role whose
  // permissions are all in managed policies.
  const clientSg = new ec2.SecurityGroup(stack, 'ClientSecurityGroup', { vpc, allowAllOutbound: false, description: 'Orders client' });
  const clientRole = new iam.Role(stack, 'ClientRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const clientLogs = new logs.LogGroup(stack, 'ClientLogs', { encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR });
  const deadLetters = new sqs.Queue(stack, 'ClientDeadLetters', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
  });
  const clientPolicy = new iam.ManagedPolicy(stack, 'ClientPolicy', {
    roles: [clientRole],
    statements: [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [clientLogs.logGroupArn] }),
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }),
      new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }),
    ],
  });
  clientPolicy.node.addDependency(clientLogs);
  const client = new lambda.Function(stack, 'Client', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => "client";'),
    role: clientRole.withoutPolicyUpdates(),
    vpc,
    securityGroups: [clientSg],
    reservedConcurrentExecutions: 1,
    timeout: Duration.seconds(10),
    logGroup: clientLogs,
    deadLetterQueue: deadLetters,
  });

  const used = new Set<string>(['SecureDsqlCluster']);

  let endpoint: any;
  if (typeof LIBRARY.DsqlPrivateLinkEndpoint === 'function') {
    endpoint = new LIBRARY.DsqlPrivateLinkEndpoint(stack, 'Endpoint', {
      vpc,
      cluster,
      allowedClients: [client],
      allowedPrincipalArns: [clientRole.roleArn],
    });
    used.add('DsqlPrivateLinkEndpoint');
  }

  if (typeof LIBRARY.DsqlConnectPolicy === 'function') {
    new LIBRARY.DsqlConnectPolicy(stack, 'ConnectPolicy', {
      clusters: [cluster],
      conditions: { sourceVpcIds: [vpc.vpcId] },
      roles: [clientRole],
    });
    used.add('DsqlConnectPolicy');
  }

  new lib.DsqlDatabaseRole(stack, 'OrdersRole', {
    cluster,
    roleName: 'orders_app',
    principals: [clientRole],
    schemaPrivileges: [{ schema: 'orders', tables: [lib.DsqlTablePrivilege.SELECT, lib.DsqlTablePrivilege.INSERT] }],
    ...(endpoint ? { endpoint } : { vpc }),
  });
  used.add('DsqlDatabaseRole');

  if (typeof LIBRARY.DsqlPrivatePathAdminPolicy === 'function') {
    new LIBRARY.DsqlPrivatePathAdminPolicy(stack, 'AdminPolicy', { clusters: [cluster], vpcs: [vpc] });
    used.add('DsqlPrivatePathAdminPolicy');
  }
  if (typeof LIBRARY.DsqlPrivatePathGuardrail === 'function') {
    new LIBRARY.DsqlPrivatePathGuardrail(stack, 'Guardrail', {
      clusters: [cluster],
      adminPrincipalArns: [`arn:aws:iam::${TEST_ENV.account}:role/platform-admin`],
    });
    used.add('DsqlPrivatePathGuardrail');
  }

  // Operations: the recommended alarms to an encrypted topic, and AWS Backup with a vault encrypted by the key.
  if (typeof LIBRARY.DsqlRecommendedAlarms === 'function') {
    const alarms = new sns.Topic(stack, 'OpsTopic', { masterKey: key, enforceSSL: true });
    cluster.addRecommendedAlarms({ alarmTopic: alarms, dpuBudget: 100_000 });
    used.add('DsqlRecommendedAlarms');
  }
  // A connection audit of the cluster, encrypted with the key, its signals to the encrypted topic.
  if (typeof LIBRARY.DsqlConnectionAudit === 'function') {
    const auditTopic = new sns.Topic(stack, 'AuditTopic', { masterKey: key, enforceSSL: true });
    cluster.addConnectionAudit('ConnectionAudit', { encryptionKey: key, alarmTopic: auditTopic });
    used.add('DsqlConnectionAudit');
  }
  if (typeof LIBRARY.DsqlBackupPlan === 'function') {
    cluster.addBackupPlan('Backup', { encryptionKey: key });
    used.add('DsqlBackupPlan');
  }

  // A multi-Region pair, in two more stacks of the Regions of one set.
  if (typeof LIBRARY.DsqlMultiRegionPair === 'function') {
    const first = new Stack(app, 'RepresentativePairFirst', { env: { account: TEST_ENV.account, region: 'us-east-2' } });
    const second = new Stack(app, 'RepresentativePairSecond', { env: { account: TEST_ENV.account, region: 'us-west-2' }, crossRegionReferences: true });
    new LIBRARY.DsqlMultiRegionPair(first, 'Ledger', {
      first: { stack: first, encryptionKey: compliantKey(first, 'LedgerKey', 'Encrypts the first Aurora DSQL cluster of the pair') },
      second: { stack: second, encryptionKey: compliantKey(second, 'LedgerKey', 'Encrypts the second Aurora DSQL cluster of the pair') },
      witnessRegion: 'us-east-1',
      connectConditions: { blockPublicAccess: true },
    });
    used.add('DsqlMultiRegionPair');
  }

  const canary = new InsecureCanary(stack, 'InsecureCanary', { vpc });
  // The abstract base of every cluster (created and imported) is covered by the clusters above.
  if (used.has('SecureDsqlCluster')) used.add('DsqlClusterBase');
  const classes = constructClassesOf(LIBRARY);
  return {
    app,
    stack,
    canary,
    libraryConstructs: ownedRoots(app, classes),
    notCovered: classes.map(c => c.name).filter(name => !used.has(name)).sort(),
  };
}
