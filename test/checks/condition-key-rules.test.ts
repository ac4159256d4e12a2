import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { checkedStack, compliantCluster, findingsOf, vpc } from './support';
import { DsqlConnectPolicy, DsqlPrivatePathAdminPolicy, DsqlPrivatePathGuardrail, SecureDsqlCluster } from '../../src';

const CONNECT = ['dsql:DbConnect', 'dsql:DbConnectAdmin'];
const CLUSTER_ARN = 'arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz';
const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

describe('DSQL-K1 condition key that DSQL connections never carry', () => {
  test.each<[string, object, RegExp]>([
    ['aws:Referer (HTTP only)', { StringNotEquals: { 'aws:Referer': 'https://app.example.com' } }, /aws:Referer, taken from an HTTP request/],
    ['aws:UserAgent', { StringNotLike: { 'aws:UserAgent': 'app/*' } }, /aws:UserAgent/],
    ['aws:SourceArn (service principals only)', { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:lambda:us-east-1:123456789012:function:f' } },
      /service principal/],
    ['a key of another service', { StringNotEquals: { 'ec2:Vpc': 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0' } }, /ec2 service/],
    ['a DSQL key of other actions', { StringNotEquals: { 'dsql:WitnessRegion': 'us-west-2' } }, /other Aurora DSQL actions/],
    ['a key AWS does not document for DSQL connections', { StringNotEquals: { 'aws:SourceVpcArn': 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1' } },
      /not a key AWS documents/],
  ])('non-compliant: a cluster policy Deny on %s', (_name, condition, detail) => {
    const s = checkedStack();
    compliantCluster(s, 'Cluster', doc(
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: CONNECT, Resource: '*', Condition: { Null: { 'aws:SourceVpc': 'true' } } },
      { Sid: 'Extra', Effect: 'Deny', Principal: { AWS: '*' }, Action: CONNECT, Resource: '*', Condition: condition },
    ));
    const found = findingsOf(s, 'DSQL-K1');
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Cluster' })]);
    expect(found[0].message).toMatch(/statement "Extra": /);
    expect(found[0].message).toMatch(detail);
  });

  test('non-compliant: an identity policy that allows DbConnect only with a request tag (set on tagging requests only)', () => {
    const s = checkedStack();
    new iam.CfnManagedPolicy(s, 'Policy', {
      policyDocument: doc({ Effect: 'Allow', Action: 'dsql:DbConnect', Resource: CLUSTER_ARN, Condition: { StringEquals: { 'aws:RequestTag/team': 'a' } } }),
    });
    expect(findingsOf(s, 'DSQL-K1')).toEqual([expect.objectContaining({ path: '/Stack/Policy', message: expect.stringMatching(/aws:RequestTag\/team/) })]);
  });

  test('non-compliant: a connection endpoint policy with an S3 key', () => {
    const s = checkedStack();
    const v = vpc(s);
    new ec2.CfnVPCEndpoint(s, 'Endpoint', {
      vpcId: v.vpcId,
      serviceName: 'com.amazonaws.us-east-1.dsql-a1b2',
      vpcEndpointType: 'Interface',
      privateDnsEnabled: true,
      policyDocument: doc({ Effect: 'Allow', Principal: '*', Action: CONNECT, Resource: '*', Condition: { StringEquals: { 's3:prefix': 'x' } } }),
    });
    expect(findingsOf(s, 'DSQL-K1')).toEqual([expect.objectContaining({ path: '/Stack/Endpoint', message: expect.stringMatching(/s3:prefix, a key of the s3 service/) })]);
  });

  test.each<[string, object]>([
    ['network keys', { NotIpAddressIfExists: { 'aws:SourceIp': '203.0.113.0/24' }, StringNotEqualsIfExists: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }],
    ['VPC source addresses', { NotIpAddressIfExists: { 'aws:VpcSourceIp': '10.0.0.0/16' } }],
    ['principal and organization keys', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' }, ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/*' } }],
    ['principal and resource tags', { StringNotEquals: { 'aws:PrincipalTag/team': 'db', 'aws:ResourceTag/env': 'prod' } }],
    ['session keys of the credentials', { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, ArnNotEquals: { 'lambda:SourceFunctionArn': 'arn:aws:lambda:us-east-1:123456789012:function:f' } }],
    ['time and Region', { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' }, StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } }],
  ])('compliant: a cluster policy Deny on %s', (_name, condition) => {
    const s = checkedStack();
    compliantCluster(s, 'Cluster', doc({ Effect: 'Deny', Principal: { AWS: '*' }, Action: CONNECT, Resource: '*', Condition: condition }));
    expect(findingsOf(s, 'DSQL-K1')).toEqual([]);
  });

  test.each<[string, object]>([
    ['a statement on other actions (tags on CreateCluster)', {
      Effect: 'Allow',
      Action: 'dsql:CreateCluster',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestTag/team': 'a' } },
    }],
    ['a statement of "*" only (left to DSQL-I1)', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b', Condition: { StringEquals: { 'aws:Referer': 'x' } } }],
  ])('compliant: an identity policy with %s', (_name, statement) => {
    const s = checkedStack();
    new iam.CfnManagedPolicy(s, 'Policy', { policyDocument: doc(statement) });
    expect(findingsOf(s, 'DSQL-K1')).toEqual([]);
  });

  test('compliant: the policies of the library (connect policy, private-path admin policy and guardrail, endpoint policy)', () => {
    const s = checkedStack();
    const v = vpc(s);
    const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceVpcIds: [v.vpcId], principalArns: ['arn:aws:iam::123456789012:role/app'] } });
    const imported = SecureDsqlCluster.fromClusterAttributes(s, 'Imported', {
      clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', vpcEndpointServiceName: 'com.amazonaws.us-east-1.dsql-a1b2',
    });
    cluster.addPrivateLinkEndpoint('Private', { vpc: v, allowedPrincipalArns: ['arn:aws:iam::123456789012:role/app'] });
    new DsqlConnectPolicy(s, 'Connect', { clusters: [cluster], conditions: { sourceIps: ['203.0.113.0/24'], blockPublicAccess: undefined } });
    new DsqlPrivatePathAdminPolicy(s, 'Admin', { clusters: [imported] });
    new DsqlPrivatePathGuardrail(s, 'Guardrail', { clusters: [imported], adminPrincipalArns: ['arn:aws:iam::123456789012:role/admin'] });
    expect(findingsOf(s, 'DSQL-K1')).toEqual([]);
  });
});
