/**
 * Test fixtures for the compliance tests: a deliberately insecure "canary" that every pack must flag, and
 * secure counterparts written with plain aws-cdk-lib, so the harness is shown to tell the two apart.
 */
import { ArnFormat, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export const TEST_ENV = { account: '123456789012', region: 'us-east-1' };

/** A private CIDR used as "the trusted network" in fixtures. */
export const TRUSTED_CIDR = '10.20.0.0/16';

/**
 * Deliberately insecure resources. Every check the compliance tests rely on must flag something here; if a
 * pack stops flagging the canary, the "zero findings" assertions elsewhere prove nothing.
 */
export class InsecureCanary extends Construct {
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly key: kms.Key;
  public readonly policy: iam.ManagedPolicy;
  public readonly fn: lambda.Function;
  public readonly bucket: s3.CfnBucket;
  public readonly trail: cloudtrail.CfnTrail;

  constructor(scope: Construct, id: string, props: { vpc?: ec2.IVpc } = {}) {
    super(scope, id);
    const vpc = props.vpc ?? new ec2.Vpc(this, 'Vpc', { maxAzs: 1, natGateways: 0 });
    // SSH open to the world.
    this.securityGroup = new ec2.SecurityGroup(this, 'OpenSsh', { vpc, description: 'canary: SSH from anywhere' });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'canary: SSH from anywhere');
    // A customer-managed key without rotation and without a CreateGrant guard.
    this.key = new kms.Key(this, 'UnrotatedKey', { enableKeyRotation: false, removalPolicy: RemovalPolicy.DESTROY });
    // Administrator access in a customer-managed policy.
    this.policy = new iam.ManagedPolicy(this, 'AdminPolicy', {
      statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
    });
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addManagedPolicy(this.policy);
    // A Lambda function outside any VPC.
    this.fn = new lambda.Function(this, 'OutsideVpc', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => "canary";'),
      role,
    });
    // A bucket with nothing set (no public access block, no versioning, no TLS-only policy), and a trail
    // delivering to it without encryption, log file validation or CloudWatch Logs.
    this.bucket = new s3.CfnBucket(this, 'BareBucket');
    this.bucket.applyRemovalPolicy(RemovalPolicy.DESTROY);
    this.trail = new cloudtrail.CfnTrail(this, 'BareTrail', { isLogging: true, s3BucketName: this.bucket.ref });
  }
}

/**
 * A VPC that passes the packs: no public subnets, no NAT, flow logs to an encrypted log group kept a year.
 * (Its default security group is left as CloudFormation creates it: restricting it needs a custom resource.)
 */
export class CompliantNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = compliantKey(this, 'LogKey', 'Encrypts the VPC flow logs');
    allowCloudWatchLogs(this.key);
    const logGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: this.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(TRUSTED_CIDR),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup) } },
    });
  }
}

/** Let CloudWatch Logs of this account and Region use `key` for log groups. */
export function allowCloudWatchLogs(key: kms.Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogs',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }));
}

/** A symmetric key with rotation and the key-policy guard on kms:CreateGrant that Control Tower asks for. */
export function compliantKey(scope: Construct, id: string, description: string): kms.Key {
  const key = new kms.Key(scope, id, { description, enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/**
 * The secure counterparts of the canary, written with plain aws-cdk-lib: a security group admitting 443 from
 * a private range only, a rotated key, a least-privilege policy, and a Lambda function in the VPC.
 */
export class SecureCounterparts extends Construct {
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly key: kms.Key;
  public readonly policy: iam.ManagedPolicy;
  public readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: { vpc: ec2.IVpc }) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'Https', {
      vpc: props.vpc,
      description: 'HTTPS from the trusted network only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.ipv4(TRUSTED_CIDR), ec2.Port.tcp(443), 'HTTPS from the trusted network');
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(TRUSTED_CIDR), ec2.Port.tcp(443), 'HTTPS to the trusted network');
    this.key = compliantKey(this, 'Key', 'A rotated key');
    allowCloudWatchLogs(this.key);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: this.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // Every permission in one managed policy: the role takes no inline (default) policy, which NIST 800-53
    // and HIPAA flag (IAMNoInlinePolicy).
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      statements: [
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }),
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }),
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: ['*'],
        }),
      ],
      roles: [role],
    });
    // An acknowledged finding, so the tests see how the harness reports one.
    (this.policy.node.defaultChild as CfnResource).addMetadata('cdk_nag', {
      rules_to_suppress: [{
        id: 'AwsSolutions-IAM5',
        reason: 'Lambda needs the ENI actions on any network interface of the VPC; they have no resource-level scope.',
        applies_to: ['Resource::*'],
      }],
    });
    this.fn = new lambda.Function(this, 'InVpc', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => "ok";'),
      deadLetterQueue: deadLetters,
      role: role.withoutPolicyUpdates(),
      vpc: props.vpc,
      securityGroups: [this.securityGroup],
      reservedConcurrentExecutions: 1,
      timeout: Duration.seconds(10),
      logGroup,
    });
  }
}
