import { App, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SecureDsqlCluster } from '../src';
import { ENV, ResolvedTemplate } from './support/iam-eval';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

describe('SecureDsqlCluster defaults', () => {
  const s = stack();
  new SecureDsqlCluster(s, 'Db');
  const t = Template.fromStack(s);

  test('deletion protection is on', () => {
    t.hasResourceProperties('AWS::DSQL::Cluster', { DeletionProtectionEnabled: true });
  });
  test('removal policy is RETAIN', () => {
    t.hasResource('AWS::DSQL::Cluster', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
  test('no key, no multi-Region, no resource policy unless asked', () => {
    const props = t.findResources('AWS::DSQL::Cluster');
    const p = Object.values<any>(props)[0].Properties;
    expect(p.KmsEncryptionKey).toBeUndefined();
    expect(p.MultiRegionProperties).toBeUndefined();
    expect(p.PolicyDocument).toBeUndefined();
  });
});

describe('SecureDsqlCluster props', () => {
  test('clusterName becomes the Name tag, and Tags.of reaches the cluster', () => {
    const s = stack();
    const c = new SecureDsqlCluster(s, 'Db', { clusterName: 'orders' });
    Tags.of(c).add('team', 'payments');
    Template.fromStack(s).hasResourceProperties('AWS::DSQL::Cluster', {
      Tags: Match.arrayWith([{ Key: 'Name', Value: 'orders' }, { Key: 'team', Value: 'payments' }]),
    });
  });

  test('deletionProtection false and DESTROY for throw-away stacks', () => {
    const s = stack();
    new SecureDsqlCluster(s, 'Db', { deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::DSQL::Cluster', { DeletionProtectionEnabled: false });
    t.hasResource('AWS::DSQL::Cluster', { DeletionPolicy: 'Delete' });
  });

  test('a customer-managed key is used and its policy lets DSQL use it for clusters of this account and Region only', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
    new SecureDsqlCluster(s, 'Db', { encryptionKey: key });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::DSQL::Cluster', { KmsEncryptionKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    const r = new ResolvedTemplate(s);
    const keyPolicy = r.json.Resources[r.logicalIdsOfType('AWS::KMS::Key')[0]].Properties.KeyPolicy;
    const dsqlStatements = keyPolicy.Statement.filter((st: any) => st.Principal?.Service === 'dsql.amazonaws.com');
    expect(dsqlStatements).toEqual([
      expect.objectContaining({
        Sid: 'AllowAuroraDsqlToUseTheKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:dsql:us-east-1:123456789012:cluster/*' },
          StringLike: { 'kms:EncryptionContext:aws:dsql:ClusterId': '*' },
        },
      }),
      expect.objectContaining({
        Sid: 'AllowAuroraDsqlToDescribeTheKey',
        Action: 'kms:DescribeKey',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:dsql:us-east-1:123456789012:cluster/*' },
        },
      }),
    ]);
  });

  test('an imported key is used and the user is told to add the key policy', () => {
    const s = stack();
    const key = kms.Key.fromKeyArn(s, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    new SecureDsqlCluster(s, 'Db', { encryptionKey: key });
    Template.fromStack(s).hasResourceProperties('AWS::DSQL::Cluster', {
      KmsEncryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
    });
    Annotations.fromStack(s).hasWarning('/Stack/Db', Match.stringLikeRegexp('dsql.amazonaws.com.*kms:Decrypt'));
  });

  test('multiRegion renders witness and peers', () => {
    const s = stack();
    new SecureDsqlCluster(s, 'Db', {
      multiRegion: { witnessRegion: 'us-west-2', peerClusterArns: ['arn:aws:dsql:us-east-2:123456789012:cluster/abcdefghijklmnopqrstuvwxyz'] },
    });
    Template.fromStack(s).hasResourceProperties('AWS::DSQL::Cluster', {
      MultiRegionProperties: { WitnessRegion: 'us-west-2', Clusters: ['arn:aws:dsql:us-east-2:123456789012:cluster/abcdefghijklmnopqrstuvwxyz'] },
    });
  });

  test('multiRegion without peers (first deployment) renders the witness only', () => {
    const s = stack();
    new SecureDsqlCluster(s, 'Db', { multiRegion: { witnessRegion: 'us-west-2' } });
    Template.fromStack(s).hasResourceProperties('AWS::DSQL::Cluster', {
      MultiRegionProperties: { WitnessRegion: 'us-west-2', Clusters: Match.absent() },
    });
  });

  test('connectConditions render Deny statements into the resource policy', () => {
    const s = stack();
    new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true, principalArns: ['arn:aws:iam::123456789012:role/app'] } });
    const policy = new ResolvedTemplate(s).clusterPolicy();
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyPublicAccess',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['dsql:DbConnect', 'dsql:DbConnectAdmin'],
          Resource: '*',
          Condition: { Null: { 'aws:SourceVpc': 'true' } },
        },
        {
          Sid: 'DenyUnlistedPrincipals',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['dsql:DbConnect', 'dsql:DbConnectAdmin'],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/app'] } },
        },
      ],
    });
  });

  test('origins become ONE statement (OR), with tokens resolved at deploy time', () => {
    const s = stack();
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1 });
    new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceIps: ['203.0.113.0/24'], sourceVpcIds: [vpc.vpcId] } });
    const r = new ResolvedTemplate(s);
    const statements = r.clusterPolicy().Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Condition).toEqual({
      NotIpAddressIfExists: { 'aws:SourceIp': ['203.0.113.0/24'] },
      StringNotEqualsIfExists: { 'aws:SourceVpc': [r.ref(r.logicalIdsOfType('AWS::EC2::VPC')[0])] },
    });
  });
});

describe('SecureDsqlCluster grants and resource policy', () => {
  test('grantConnect allows DbConnect on this cluster only', () => {
    const s = stack();
    const c = new SecureDsqlCluster(s, 'Db');
    const role = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = c.grantConnect(role);
    expect(grant.success).toBe(true);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'dsql:DbConnect', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'ResourceArn'] } }],
      },
    });
  });

  test('grantConnectAdmin allows DbConnectAdmin on this cluster only', () => {
    const s = stack();
    const c = new SecureDsqlCluster(s, 'Db');
    const role = new iam.Role(s, 'Admin', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    c.grantConnectAdmin(role);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'dsql:DbConnectAdmin', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'ResourceArn'] } }],
      },
    });
  });

  test('addToResourcePolicy appends a custom statement after the rendered ones', () => {
    const s = stack();
    const c = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true } });
    const result = c.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyOutsideOrg',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['dsql:DbConnect'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    }));
    expect(result.statementAdded).toBe(true);
    const sids = new ResolvedTemplate(s).clusterPolicy().Statement.map((st: any) => st.Sid);
    expect(sids).toEqual(['DenyPublicAccess', 'DenyOutsideOrg']);
  });

  test('addToResourcePolicy alone creates the policy', () => {
    const s = stack();
    const c = new SecureDsqlCluster(s, 'Db');
    c.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.ALLOW, principals: [new iam.AccountRootPrincipal()], actions: ['dsql:GetCluster'], resources: ['*'],
    }));
    expect(new ResolvedTemplate(s).clusterPolicy().Statement).toHaveLength(1);
  });

  test('attributes are the CloudFormation attributes of the cluster', () => {
    const s = stack();
    const c = new SecureDsqlCluster(s, 'Db');
    expect(s.resolve(c.clusterIdentifier)).toEqual({ 'Fn::GetAtt': ['Db5D02A0A9', 'Identifier'] });
    expect(s.resolve(c.clusterArn)).toEqual({ 'Fn::GetAtt': ['Db5D02A0A9', 'ResourceArn'] });
    expect(s.resolve(c.clusterEndpoint)).toEqual({ 'Fn::GetAtt': ['Db5D02A0A9', 'Endpoint'] });
    expect(s.resolve(c.vpcEndpointServiceName)).toEqual({ 'Fn::GetAtt': ['Db5D02A0A9', 'VpcEndpointServiceName'] });
    expect(s.resolve(c.clusterPrivateEndpoint)).toEqual({ 'Fn::GetAtt': ['Db5D02A0A9', 'VpcEndpoint'] });
  });
});

describe('imports', () => {
  const ID = 'abcdefghijklmnopqrstuvwxyz';

  test('fromClusterIdentifier uses the stack account and Region', () => {
    const s = stack();
    const c = SecureDsqlCluster.fromClusterIdentifier(s, 'Imported', ID);
    expect(s.resolve(c.clusterArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dsql:us-east-1:123456789012:cluster/${ID}`]],
    });
    expect(c.clusterEndpoint).toBe(`${ID}.dsql.us-east-1.on.aws`);
    expect(c.vpcEndpointServiceName).toBeUndefined();
    expect(c.clusterPrivateEndpoint).toBeUndefined();
    expect(c.addToResourcePolicy(new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: ['*'] })).statementAdded).toBe(false);
  });

  test('fromClusterAttributes takes Region, account and service name, and derives the private host', () => {
    const s = stack();
    const c = SecureDsqlCluster.fromClusterAttributes(s, 'Imported', {
      clusterIdentifier: ID, region: 'eu-west-1', account: '210987654321', vpcEndpointServiceName: 'com.amazonaws.eu-west-1.dsql-a1b2c3',
    });
    expect(s.resolve(c.clusterArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dsql:eu-west-1:210987654321:cluster/${ID}`]],
    });
    expect(c.clusterPrivateEndpoint).toBe(`${ID}.dsql-a1b2c3.eu-west-1.on.aws`);
  });

  test('fromClusterArn parses the ARN', () => {
    const s = stack();
    const c = SecureDsqlCluster.fromClusterArn(s, 'Imported', `arn:aws:dsql:eu-central-1:210987654321:cluster/${ID}`);
    expect(c.clusterIdentifier).toBe(ID);
    expect(c.env.region).toBe('eu-central-1');
    expect(c.env.account).toBe('210987654321');
  });

  test('grants on an imported cluster are scoped to its ARN', () => {
    const s = stack();
    const c = SecureDsqlCluster.fromClusterIdentifier(s, 'Imported', ID);
    const role = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    c.grantConnect(role);
    const r = new ResolvedTemplate(s);
    expect(r.json.Resources[r.logicalIdsOfType('AWS::IAM::Policy')[0]].Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'dsql:DbConnect', Resource: `arn:aws:dsql:us-east-1:123456789012:cluster/${ID}` },
    ]);
  });
});
