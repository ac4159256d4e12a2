/**
 * The private-path management policy and its guardrail: decisions with the real IAM evaluator, template
 * intent and bad input.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IDsqlCluster, SecureDsqlCluster } from '../src';
import { DsqlPrivateLinkEndpoint } from '../src/private-link-endpoint';
import { DsqlPrivatePathAdminPolicy, DsqlPrivatePathGuardrail } from '../src/private-path-policy';

const PRIVATE_PATH_TAG_KEY = DsqlPrivatePathAdminPolicy.TAG_KEY;
import { ACCOUNT, Decision, ENV, REGION, ResolvedTemplate, decide } from './support/iam-eval';

const ENDPOINT_ARN = `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc-endpoint/vpce-0123456789abcdef0`;
const OTHER_SG_ARN = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0fffffffffffffff0`;
const RULE_ARN = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/sgr-0123456789abcdef0`;
const OTHER_ACL_ARN = `arn:aws:ec2:${REGION}:${ACCOUNT}:network-acl/acl-0fffffffffffffff0`;
const OTHER_SUBNET_ARN = `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-0fffffffffffffff0`;
const OTHER_VPC_ARN = `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0fffffffffffffff0`;
const SUBNET_ARN = `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-0123456789abcdef0`;
const S3_SERVICE = `com.amazonaws.${REGION}.s3`;

class Fixture {
  public readonly stack = new Stack(new App(), 'Stack', { env: ENV });
  public readonly db = new SecureDsqlCluster(this.stack, 'Db');
  public readonly other = new SecureDsqlCluster(this.stack, 'Other');
  public readonly vpc = new ec2.Vpc(this.stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
  public readonly netAdmin = this.role('NetAdmin');
  public readonly dev = this.role('Dev');
  /** A cluster administrator with its own broad permissions, exempt from the guardrail. */
  public readonly dbAdmin = this.role('DbAdmin');
  /** The private path as DsqlPrivateLinkEndpoint builds it, with a network ACL: its tags are what the guardrail matches. */
  public readonly endpoint = this.db.addPrivateLinkEndpoint('Private', { vpc: this.vpc, networkAcl: { allowedCidrs: ['10.0.0.0/16'] } });
  private resolved?: ResolvedTemplate;

  constructor() {
    // Dev may do anything with EC2 and DSQL by its own policies; only the guardrail stops it.
    this.dev.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:*', 'dsql:*'], resources: ['*'] }));
    this.dbAdmin.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:*', 'dsql:*'], resources: ['*'] }));
    new DsqlPrivatePathAdminPolicy(this.stack, 'PrivatePathAdmin', { clusters: [this.db], vpcs: [this.vpc], roles: [this.netAdmin] });
    new DsqlPrivatePathGuardrail(this.stack, 'Guardrail', {
      clusters: [this.db],
      adminPrincipalArns: [this.netAdmin.roleArn, this.dbAdmin.roleArn, 'arn:aws:iam::123456789012:role/cdk-*-cfn-exec-role-*'],
      roles: [this.netAdmin, this.dev, this.dbAdmin],
    });
  }

  /** The ARN and the private-path tag of a resource of the template, as deployed. */
  public taggedResource(construct: { node: { defaultChild?: any } }, type: 'security-group' | 'network-acl' | 'subnet') {
    const id = this.stack.getLogicalId(construct.node.defaultChild);
    const tags: Array<{ Key: string; Value: string }> = this.r.json.Resources[id].Properties.Tags ?? [];
    const tag = tags.find((t) => t.Key === PRIVATE_PATH_TAG_KEY)?.Value;
    const arn = `arn:aws:ec2:${REGION}:${ACCOUNT}:${type}/${this.r.ref(id)}`;
    return { arn, context: tag === undefined ? {} : { [`aws:ResourceTag/${PRIVATE_PATH_TAG_KEY}`]: tag } };
  }

  public get r(): ResolvedTemplate {
    this.resolved ??= new ResolvedTemplate(this.stack);
    return this.resolved;
  }

  public serviceName(cluster: SecureDsqlCluster = this.db): string {
    return this.r.getAtt(this.stack.getLogicalId(cluster.cfnCluster), 'VpcEndpointServiceName');
  }

  public clusterArn(cluster: SecureDsqlCluster = this.db): string {
    return this.r.clusterArn(this.stack.getLogicalId(cluster.cfnCluster));
  }

  public vpcArn(): string {
    return `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${this.r.ref(this.stack.getLogicalId(this.vpc.node.defaultChild as ec2.CfnVPC))}`;
  }

  public run(role: iam.Role, action: string, resource: string,
    context: Record<string, string | string[]> = {}, principal?: string): Promise<Decision> {
    const id = this.stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    return decide({ identityPolicies: this.r.identityPolicies(id) }, { principal: principal ?? this.r.roleArn(id), action, resource, context });
  }

  private role(id: string): iam.Role {
    return new iam.Role(this.stack, id, { assumedBy: new iam.AccountRootPrincipal() });
  }
}

describe('DsqlPrivatePathAdminPolicy: what the manager may do', () => {
  const f = new Fixture();
  const create = (service: string, tag?: string) => ({
    'ec2:VpceServiceName': service,
    ...(tag ? { [`aws:RequestTag/${PRIVATE_PATH_TAG_KEY}`]: tag, 'aws:TagKeys': [PRIVATE_PATH_TAG_KEY] } : {}),
  });
  test.each<[string, () => Promise<Decision>, Decision]>([
    ['create an endpoint of the cluster\'s service, tagged', () => f.run(f.netAdmin, 'ec2:CreateVpcEndpoint', ENDPOINT_ARN, create(f.serviceName(), f.serviceName())), 'Allowed'],
    ['...but not untagged (it could not be modified later)', () => f.run(f.netAdmin, 'ec2:CreateVpcEndpoint', ENDPOINT_ARN, create(f.serviceName())), 'ImplicitlyDenied'],
    ['...nor an endpoint of another cluster\'s service', () => f.run(f.netAdmin, 'ec2:CreateVpcEndpoint', ENDPOINT_ARN, create(f.serviceName(f.other), f.serviceName(f.other))), 'ImplicitlyDenied'],
    ['...nor of another AWS service', () => f.run(f.netAdmin, 'ec2:CreateVpcEndpoint', ENDPOINT_ARN, create(S3_SERVICE, f.serviceName())), 'ImplicitlyDenied'],
    ['create in the given VPC (a token)', () => f.run(f.netAdmin, 'ec2:CreateVpcEndpoint', f.vpcArn()), 'Allowed'],
    ['...not in another VPC', () => f.run(f.netAdmin, 'ec2:CreateVpcEndpoint', OTHER_VPC_ARN), 'ImplicitlyDenied'],
    ['create with subnets of the account', () => f.run(f.netAdmin, 'ec2:CreateVpcEndpoint', SUBNET_ARN), 'Allowed'],
    ['tag the endpoint while creating it', () => f.run(f.netAdmin, 'ec2:CreateTags', ENDPOINT_ARN, { 'ec2:CreateAction': 'CreateVpcEndpoint' }), 'Allowed'],
    ['...but not tag an existing unmanaged endpoint', () => f.run(f.netAdmin, 'ec2:CreateTags', ENDPOINT_ARN, { 'aws:TagKeys': [PRIVATE_PATH_TAG_KEY] }), 'ImplicitlyDenied'],
    ['modify a tagged endpoint of the cluster', () => f.run(f.netAdmin, 'ec2:ModifyVpcEndpoint', ENDPOINT_ARN, { [`aws:ResourceTag/${PRIVATE_PATH_TAG_KEY}`]: f.serviceName() }), 'Allowed'],
    ['...not an untagged one', () => f.run(f.netAdmin, 'ec2:ModifyVpcEndpoint', ENDPOINT_ARN), 'ImplicitlyDenied'],
    // The Service Authorization Reference lists no ec2:VpceServiceName for ModifyVpcEndpoint (only for
    // Create and Delete), so the policy must not rely on it: the tag decides, even when the key is sent.
    ['...not by service name alone (the tag decides)',
      () => f.run(f.netAdmin, 'ec2:ModifyVpcEndpoint', ENDPOINT_ARN, { 'ec2:VpceServiceName': f.serviceName() }), 'ImplicitlyDenied'],
    ['delete an endpoint of the cluster\'s service', () => f.run(f.netAdmin, 'ec2:DeleteVpcEndpoints', ENDPOINT_ARN, { 'ec2:VpceServiceName': f.serviceName() }), 'Allowed'],
    ['...not of another service', () => f.run(f.netAdmin, 'ec2:DeleteVpcEndpoints', ENDPOINT_ARN, { 'ec2:VpceServiceName': S3_SERVICE }), 'ImplicitlyDenied'],
    ['describe endpoints', () => f.run(f.netAdmin, 'ec2:DescribeVpcEndpoints', '*'), 'Allowed'],
    ['put the cluster policy', () => f.run(f.netAdmin, 'dsql:PutClusterPolicy', f.clusterArn()), 'Allowed'],
    ['delete the cluster policy', () => f.run(f.netAdmin, 'dsql:DeleteClusterPolicy', f.clusterArn()), 'Allowed'],
    ['read the cluster policy', () => f.run(f.netAdmin, 'dsql:GetClusterPolicy', f.clusterArn()), 'Allowed'],
    ['...not another cluster\'s policy', () => f.run(f.netAdmin, 'dsql:PutClusterPolicy', f.clusterArn(f.other)), 'ImplicitlyDenied'],
    ['not connect to the database', () => f.run(f.netAdmin, 'dsql:DbConnectAdmin', f.clusterArn(), { 'aws:SourceIp': '203.0.113.7' }), 'ImplicitlyDenied'],
    ['not delete the cluster', () => f.run(f.netAdmin, 'dsql:DeleteCluster', f.clusterArn()), 'ImplicitlyDenied'],
    ['not change security group rules', () => f.run(f.netAdmin, 'ec2:AuthorizeSecurityGroupIngress', `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0123456789abcdef0`), 'ImplicitlyDenied'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });
});

describe('DsqlPrivatePathGuardrail: everyone else is stopped', () => {
  const f = new Fixture();
  const tagged = () => ({ [`aws:ResourceTag/${PRIVATE_PATH_TAG_KEY}`]: f.serviceName() });
  test.each<[string, () => Promise<Decision>, Decision]>([
    ['dev cannot put the cluster policy', () => f.run(f.dev, 'dsql:PutClusterPolicy', f.clusterArn()), 'ExplicitlyDenied'],
    ['dev cannot delete the cluster policy', () => f.run(f.dev, 'dsql:DeleteClusterPolicy', f.clusterArn()), 'ExplicitlyDenied'],
    ['dev may still read it', () => f.run(f.dev, 'dsql:GetClusterPolicy', f.clusterArn()), 'Allowed'],
    ['dev cannot create an endpoint of the cluster\'s service', () => f.run(f.dev, 'ec2:CreateVpcEndpoint', ENDPOINT_ARN, { 'ec2:VpceServiceName': f.serviceName() }), 'ExplicitlyDenied'],
    ['dev cannot delete one', () => f.run(f.dev, 'ec2:DeleteVpcEndpoints', ENDPOINT_ARN, { 'ec2:VpceServiceName': f.serviceName() }), 'ExplicitlyDenied'],
    ['dev cannot modify a tagged one', () => f.run(f.dev, 'ec2:ModifyVpcEndpoint', ENDPOINT_ARN, tagged()), 'ExplicitlyDenied'],
    ['dev cannot modify an untagged one if IAM sends the service name',
      () => f.run(f.dev, 'ec2:ModifyVpcEndpoint', ENDPOINT_ARN, { 'ec2:VpceServiceName': f.serviceName() }), 'ExplicitlyDenied'],
    ['dev may modify an untagged endpoint of another service', () => f.run(f.dev, 'ec2:ModifyVpcEndpoint', ENDPOINT_ARN, { 'ec2:VpceServiceName': S3_SERVICE }), 'Allowed'],
    ['dev cannot set or remove the management tag', () => f.run(f.dev, 'ec2:DeleteTags', ENDPOINT_ARN, { ...tagged(), 'aws:TagKeys': [PRIVATE_PATH_TAG_KEY] }), 'ExplicitlyDenied'],
    ['dev keeps unrelated rights: endpoints of other services', () => f.run(f.dev, 'ec2:CreateVpcEndpoint', ENDPOINT_ARN, { 'ec2:VpceServiceName': S3_SERVICE }), 'Allowed'],
    ['dev keeps unrelated rights: other tags', () => f.run(f.dev, 'ec2:CreateTags', ENDPOINT_ARN, { 'aws:TagKeys': ['team'] }), 'Allowed'],
    ['dev keeps unrelated rights: another cluster\'s policy', () => f.run(f.dev, 'dsql:PutClusterPolicy', f.clusterArn(f.other)), 'Allowed'],
    ['the admin (same guardrail attached) is not stopped', () => f.run(f.netAdmin, 'dsql:PutClusterPolicy', f.clusterArn()), 'Allowed'],
    ['the admin can still modify the endpoint', () => f.run(f.netAdmin, 'ec2:ModifyVpcEndpoint', ENDPOINT_ARN, tagged()), 'Allowed'],
    ['a wildcard admin ARN (the CDK deployment role) is exempt',
      () => f.run(f.dev, 'dsql:PutClusterPolicy', f.clusterArn(), {}, `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`), 'Allowed'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });
});

describe('DsqlPrivatePathGuardrail: the walk-arounds of the second review are closed', () => {
  const f = new Fixture();
  const endpoint = f.endpoint as DsqlPrivateLinkEndpoint;
  const sg = () => f.taggedResource(endpoint.securityGroup, 'security-group');
  const acl = () => f.taggedResource(endpoint.networkAcl!, 'network-acl');
  const subnet = () => f.taggedResource(f.vpc.privateSubnets[0] ?? f.vpc.isolatedSubnets[0], 'subnet');
  const taggedEndpoint = () => ({ [`aws:ResourceTag/${PRIVATE_PATH_TAG_KEY}`]: f.serviceName() });

  test('the library tags the endpoint\'s security group and network ACL with the cluster\'s service name, its ACL subnets with the fixed subnet value', () => {
    for (const r of [sg(), acl()]) expect(r.context).toEqual({ [`aws:ResourceTag/${PRIVATE_PATH_TAG_KEY}`]: f.serviceName() });
    expect(subnet().context).toEqual({ [`aws:ResourceTag/${PRIVATE_PATH_TAG_KEY}`]: 'secure-dsql-private-path-subnet' });
  });

  describe('tag removal without tag keys (DeleteTags with no tag list sends no aws:TagKeys)', () => {
    test.each<[string, () => Promise<Decision>, Decision]>([
      ['dev cannot strip every tag of the tagged endpoint', () => f.run(f.dev, 'ec2:DeleteTags', ENDPOINT_ARN, taggedEndpoint()), 'ExplicitlyDenied'],
      ['...nor of its security group', () => f.run(f.dev, 'ec2:DeleteTags', sg().arn, sg().context), 'ExplicitlyDenied'],
      ['...nor of its network ACL', () => f.run(f.dev, 'ec2:DeleteTags', acl().arn, acl().context), 'ExplicitlyDenied'],
      ['...nor of its subnets', () => f.run(f.dev, 'ec2:DeleteTags', subnet().arn, subnet().context), 'ExplicitlyDenied'],
      ['dev cannot remove the tag by name from the security group', () => f.run(f.dev, 'ec2:DeleteTags', sg().arn, { ...sg().context, 'aws:TagKeys': [PRIVATE_PATH_TAG_KEY] }), 'ExplicitlyDenied'],
      ['dev cannot overwrite the tag\'s value', () => f.run(f.dev, 'ec2:CreateTags', sg().arn, { ...sg().context, 'aws:TagKeys': [PRIVATE_PATH_TAG_KEY] }), 'ExplicitlyDenied'],
      ['dev cannot mark an untagged security group as part of the path', () => f.run(f.dev, 'ec2:CreateTags', OTHER_SG_ARN, { 'aws:TagKeys': [PRIVATE_PATH_TAG_KEY] }), 'ExplicitlyDenied'],
      ['the admin may strip the endpoint\'s tags', () => f.run(f.netAdmin, 'ec2:DeleteTags', ENDPOINT_ARN, taggedEndpoint()), 'Allowed'],
      ['the admin may strip the security group\'s tags', () => f.run(f.netAdmin, 'ec2:DeleteTags', sg().arn, sg().context), 'Allowed'],
      ['unrelated: dev may delete other tags of the tagged endpoint by name', () => f.run(f.dev, 'ec2:DeleteTags', ENDPOINT_ARN, { ...taggedEndpoint(), 'aws:TagKeys': ['team'] }), 'Allowed'],
      ['unrelated: dev may add other tags to the tagged security group', () => f.run(f.dev, 'ec2:CreateTags', sg().arn, { ...sg().context, 'aws:TagKeys': ['team'] }), 'Allowed'],
      ['unrelated: dev may strip every tag of an untagged endpoint', () => f.run(f.dev, 'ec2:DeleteTags', ENDPOINT_ARN), 'Allowed'],
      ['unrelated: dev may strip every tag of an untagged security group', () => f.run(f.dev, 'ec2:DeleteTags', OTHER_SG_ARN), 'Allowed'],
      ['unrelated: ...and of an endpoint of another cluster\'s path', () => f.run(f.dev, 'ec2:DeleteTags', ENDPOINT_ARN,
        { [`aws:ResourceTag/${PRIVATE_PATH_TAG_KEY}`]: f.serviceName(f.other) }), 'Allowed'],
    ])('%s', async (_name, run, expected) => {
      expect(await run()).toBe(expected);
    });
  });

  describe('peering and witness changes on the guarded cluster', () => {
    const actions = ['dsql:PutMultiRegionProperties', 'dsql:AddPeerCluster', 'dsql:PutWitnessRegion', 'dsql:RemovePeerCluster', 'dsql:UpdateCluster'];
    test.each(actions)('dev cannot %s on the guarded cluster', async (action) => {
      expect(await f.run(f.dev, action, f.clusterArn())).toBe('ExplicitlyDenied');
    });
    test.each(actions)('the cluster admin may %s', async (action) => {
      expect(await f.run(f.dbAdmin, action, f.clusterArn())).toBe('Allowed');
    });
    test.each(actions)('the CDK deployment role (wildcard admin ARN) may %s', async (action) => {
      expect(await f.run(f.dev, action, f.clusterArn(), {}, `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`)).toBe('Allowed');
    });
    test.each(actions)('unrelated: dev may %s on another cluster', async (action) => {
      expect(await f.run(f.dev, action, f.clusterArn(f.other))).toBe('Allowed');
    });
    test('dev may still read the guarded cluster', async () => {
      expect(await f.run(f.dev, 'dsql:GetCluster', f.clusterArn())).toBe('Allowed');
    });
  });

  describe('change data capture streams of the guarded cluster', () => {
    // DeleteStream names the stream (the evaluator, from the Service Authorization Reference, refuses a cluster ARN for it).
    const stream = () => `${f.clusterArn()}/stream/abcdefghijklmnopqrstuvwxyz`;
    test('dev cannot create a stream on the guarded cluster, nor delete one of its streams', async () => {
      expect(await f.run(f.dev, 'dsql:CreateStream', f.clusterArn())).toBe('ExplicitlyDenied');
      expect(await f.run(f.dev, 'dsql:DeleteStream', stream())).toBe('ExplicitlyDenied');
    });
    test('the cluster admin may create and delete streams', async () => {
      expect(await f.run(f.dbAdmin, 'dsql:CreateStream', f.clusterArn())).toBe('Allowed');
      expect(await f.run(f.dbAdmin, 'dsql:DeleteStream', stream())).toBe('Allowed');
    });
    test('unrelated: dev may read streams, and create one on another cluster', async () => {
      expect(await f.run(f.dev, 'dsql:GetStream', stream())).toBe('Allowed');
      expect(await f.run(f.dev, 'dsql:ListStreams', f.clusterArn())).toBe('Allowed');
      expect(await f.run(f.dev, 'dsql:CreateStream', f.clusterArn(f.other))).toBe('Allowed');
    });
  });

  describe('the network layers: security group, network ACL, the ACL association of the endpoint subnets', () => {
    const sgActions = ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupEgress', 'ec2:ModifySecurityGroupRules'];
    const aclActions = ['ec2:CreateNetworkAclEntry', 'ec2:ReplaceNetworkAclEntry', 'ec2:DeleteNetworkAclEntry', 'ec2:ReplaceNetworkAclAssociation', 'ec2:DeleteNetworkAcl'];
    test.each(sgActions)('dev cannot %s on the endpoint\'s security group; the admin can; dev can on an untagged group', async (action) => {
      expect(await f.run(f.dev, action, sg().arn, sg().context)).toBe('ExplicitlyDenied');
      expect(await f.run(f.netAdmin, action, sg().arn, sg().context)).toBe('Allowed');
      expect(await f.run(f.dev, action, OTHER_SG_ARN)).toBe('Allowed');
      expect(await f.run(f.netAdmin, action, OTHER_SG_ARN)).toBe('ImplicitlyDenied');
    });
    test('ModifySecurityGroupRules and Authorize* also name the rule (its own tags): the admin is allowed on it', async () => {
      for (const action of ['ec2:ModifySecurityGroupRules', 'ec2:AuthorizeSecurityGroupIngress']) {
        expect(await f.run(f.netAdmin, action, RULE_ARN)).toBe('Allowed');
      }
    });
    test.each(aclActions)('dev cannot %s on the endpoint\'s network ACL; the admin can; dev can on an untagged ACL', async (action) => {
      expect(await f.run(f.dev, action, acl().arn, acl().context)).toBe('ExplicitlyDenied');
      expect(await f.run(f.netAdmin, action, acl().arn, acl().context)).toBe('Allowed');
      expect(await f.run(f.dev, action, OTHER_ACL_ARN)).toBe('Allowed');
      expect(await f.run(f.netAdmin, action, OTHER_ACL_ARN)).toBe('ImplicitlyDenied');
    });
    // ReplaceNetworkAclAssociation names the new ACL and the subnet, not the ACL it replaces: the subnet's tag
    // is what stops dev from swapping the endpoint's ACL for an open one of its own.
    test('dev cannot replace the network ACL of an endpoint subnet, even with an untagged ACL of its own; the admin can', async () => {
      expect(await f.run(f.dev, 'ec2:ReplaceNetworkAclAssociation', subnet().arn, subnet().context)).toBe('ExplicitlyDenied');
      expect(await f.run(f.dev, 'ec2:ReplaceNetworkAclAssociation', OTHER_ACL_ARN)).toBe('Allowed'); // the new, open ACL alone is not enough
      expect(await f.run(f.netAdmin, 'ec2:ReplaceNetworkAclAssociation', subnet().arn, subnet().context)).toBe('Allowed');
    });
    test('unrelated: dev may replace the ACL association of an untagged subnet', async () => {
      expect(await f.run(f.dev, 'ec2:ReplaceNetworkAclAssociation', OTHER_SUBNET_ARN)).toBe('Allowed');
    });
  });
});

describe('template', () => {
  test('tagEndpoint tags only VPC endpoints, with the cluster\'s service name', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const db = new SecureDsqlCluster(s, 'Db');
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const endpoint = vpc.addInterfaceEndpoint('Ep', { service: new ec2.InterfaceVpcEndpointService(db.vpcEndpointServiceName!, 5432), open: false });
    DsqlPrivatePathAdminPolicy.tagEndpoint(vpc, db);
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      Tags: Match.arrayWith([{ Key: PRIVATE_PATH_TAG_KEY, Value: { 'Fn::GetAtt': [s.getLogicalId(db.cfnCluster), 'VpcEndpointServiceName'] } }]),
    });
    expect(JSON.stringify(t.findResources('AWS::EC2::VPC'))).not.toContain(PRIVATE_PATH_TAG_KEY);
    expect(endpoint).toBeDefined();
  });

  test('users and groups attach on creation and later', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const db = new SecureDsqlCluster(s, 'Db');
    const user = new iam.User(s, 'Dev');
    const group = new iam.Group(s, 'Devs');
    const g = new DsqlPrivatePathGuardrail(s, 'Guardrail', { clusters: [db], adminPrincipalArns: ['arn:aws:iam::123456789012:role/net-admin'], users: [user] });
    g.attachToGroup(group);
    const ref = (c: iam.User | iam.Group) => ({ Ref: s.getLogicalId(c.node.defaultChild as iam.CfnUser) });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', { Users: [ref(user)], Groups: [ref(group)] });
  });

  test('too many clusters for one admin policy fail at synth, naming the quota', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const clusters = Array.from({ length: 40 }, (_, i) => new SecureDsqlCluster(s, `Db${i}`));
    new DsqlPrivatePathAdminPolicy(s, 'Admin', { clusters });
    expect(() => Template.fromStack(s)).toThrow(/Stack\/Admin: statements make a managed policy over the IAM quota of 6144 characters \(whitespace not counted\) \(got "\d+ characters"\)\. Split the clusters/);
  });

  test('guardrail statements are all Deny and all exempt the admins', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const db = new SecureDsqlCluster(s, 'Db');
    const g = new DsqlPrivatePathGuardrail(s, 'Guardrail', { clusters: [db], adminPrincipalArns: ['arn:aws:iam::123456789012:role/net-admin'] });
    const statements = s.resolve(g.document.toJSON()).Statement;
    expect(statements.map((x: any) => x.Sid)).toEqual(['DenyClusterEndpointChanges', 'DenyTaggedClusterEndpointModify', 'DenyPrivatePathTagChanges',
      'DenyPrivatePathUntagAll', 'DenyPrivatePathNetworkChanges', 'DenyClusterChanges']);
    for (const x of statements) {
      expect(x.Effect).toBe('Deny');
      expect(x.Condition.ArnNotLike).toEqual({ 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/net-admin'] });
    }
  });
});

describe('bad input', () => {
  const stack = () => new Stack(new App(), 'Stack', { env: ENV });
  const imported = (s: Stack): IDsqlCluster => SecureDsqlCluster.fromClusterIdentifier(s, 'Imported', 'abcdefghijklmnopqrstuvwxyz');
  test.each<[string, (s: Stack) => void, RegExp]>([
    ['admin: empty clusters', (s) => new DsqlPrivatePathAdminPolicy(s, 'Admin', { clusters: [] }),
      /^Stack\/Admin: clusters is an empty list \(got \[\]\)\. List the clusters/],
    ['admin: a cluster without service name', (s) => new DsqlPrivatePathAdminPolicy(s, 'Admin', { clusters: [imported(s)] }),
      /^Stack\/Admin: clusters has no known vpcEndpointServiceName, so its endpoints cannot be named in the policy \(got "Stack\/Imported"\)\. Import the cluster with SecureDsqlCluster\.fromClusterAttributes/],
    ['admin: empty vpcs', (s) => new DsqlPrivatePathAdminPolicy(s, 'Admin', { clusters: [new SecureDsqlCluster(s, 'Db')], vpcs: [] }),
      /^Stack\/Admin: vpcs is an empty list \(got \[\]\)\. Leave vpcs out to allow every VPC/],
    ['guardrail: no admins (would lock everyone out)', (s) => new DsqlPrivatePathGuardrail(s, 'G', { clusters: [new SecureDsqlCluster(s, 'Db')], adminPrincipalArns: [] }),
      /^Stack\/G: adminPrincipalArns is an empty list \(got \[\]\)\. List at least one principal .*an empty list would lock everyone out/],
    ['guardrail: admin that is not an IAM ARN', (s) => new DsqlPrivatePathGuardrail(s, 'G', { clusters: [new SecureDsqlCluster(s, 'Db')], adminPrincipalArns: ['net-admin'] }),
      /^Stack\/G: adminPrincipalArns is not an IAM role or user ARN \(got "net-admin"\)\. Use a value such as "arn:aws:iam::123456789012:role\/network-admin"/],
    ['tagEndpoint with a cluster without service name', (s) => DsqlPrivatePathAdminPolicy.tagEndpoint(new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0 }), imported(s)),
      /^Stack\/Vpc: cluster has no known vpcEndpointServiceName/],
  ])('%s', (_name, build, message) => {
    expect(() => build(stack())).toThrow(message);
  });

  test('an imported cluster with its service name is accepted', () => {
    const s = stack();
    const db = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', vpcEndpointServiceName: 'com.amazonaws.us-east-1.dsql-a1b2c3' });
    new DsqlPrivatePathAdminPolicy(s, 'Admin', { clusters: [db] });
    Template.fromStack(s).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DeleteClusterEndpoints',
          Condition: { StringEquals: { 'ec2:VpceServiceName': ['com.amazonaws.us-east-1.dsql-a1b2c3'] } },
        })]),
      },
    });
  });
});
