/**
 * DsqlPrivateLinkEndpoint: template assertions for every default and prop, sharing, bad input, and one
 * snapshot. Decisions through the endpoint are in private-link-endpoint-decisions.test.ts.
 */
import { App, Fn, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SecureDsqlCluster } from '../src';
import { DsqlPrivateLinkEndpoint } from '../src/private-link-endpoint';
import { DsqlPrivatePathAdminPolicy } from '../src/private-path-policy';
import { ENV, ResolvedTemplate } from './support/iam-eval';

const SERVICE = 'com.amazonaws.us-east-1.dsql-a1b2c3';
const ID_A = 'abcdefghijklmnopqrstuvwxyz';
const ID_B = 'zyxwvutsrqponmlkjihgfedcba';

function stack(env = ENV): Stack {
  return new Stack(new App(), 'Stack', { env });
}
/** A VPC without NAT: isolated subnets for the endpoint and public ones that it must never use by default. */
function vpcOf(s: Stack, id = 'Vpc', extra: Partial<ec2.VpcProps> = {}): ec2.Vpc {
  return new ec2.Vpc(s, id, {
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
    ...extra,
  });
}
function fnIn(s: Stack, vpc: ec2.IVpc, id = 'Fn', securityGroups?: ec2.ISecurityGroup[]): lambda.Function {
  return new lambda.Function(s, id, {
    vpc,
    vpcSubnets: { subnetGroupName: 'apps' },
    securityGroups,
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => 1;'),
  });
}
const logical = (s: Stack, c: { node: { defaultChild?: any } }) => s.getLogicalId(c.node.defaultChild);
function endpointProps(t: Template, serviceName?: any): any {
  const found = t.findResources('AWS::EC2::VPCEndpoint', serviceName ? { Properties: { ServiceName: serviceName } } : undefined);
  const values = Object.values<any>(found);
  expect(values).toHaveLength(1);
  return values[0].Properties;
}
function sgIngress(t: Template, sgLogicalId: string): any[] {
  const inline = t.toJSON().Resources[sgLogicalId].Properties.SecurityGroupIngress ?? [];
  const separate = Object.values<any>(t.findResources('AWS::EC2::SecurityGroupIngress'))
    .map((r) => r.Properties)
    .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify({ 'Fn::GetAtt': [sgLogicalId, 'GroupId'] }));
  return [...inline, ...separate];
}

describe('defaults', () => {
  const s = stack();
  const vpc = vpcOf(s);
  const cluster = new SecureDsqlCluster(s, 'Db');
  const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster });
  const t = Template.fromStack(s);
  const props = endpointProps(t);
  const sgId = s.getLogicalId(ep.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);

  test('an interface endpoint for the cluster\'s connection service, with private DNS on', () => {
    expect(props.VpcEndpointType).toBe('Interface');
    expect(props.ServiceName).toEqual({ 'Fn::GetAtt': [logical(s, cluster), 'VpcEndpointServiceName'] });
    expect(props.PrivateDnsEnabled).toBe(true);
  });

  test('in the isolated subnets, one per AZ, never the public ones by default', () => {
    const ids = props.SubnetIds.map((x: any) => x.Ref);
    expect(ids).toHaveLength(2);
    expect(ids.every((id: string) => id.startsWith('VpcendpointsSubnet'))).toBe(true);
  });

  test('its own security group, with no ingress rule at all and no real egress rule', () => {
    expect(props.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
    expect(sgIngress(t, sgId)).toEqual([]);
    const egress = t.toJSON().Resources[sgId].Properties.SecurityGroupEgress;
    // allowAllOutbound: false: CDK writes its placeholder rule, which admits nothing
    expect(egress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp', FromPort: 252, ToPort: 86 })]);
    t.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  test('no rule from the VPC CIDR anywhere (open: false)', () => {
    expect(JSON.stringify(t.toJSON())).not.toContain('"CidrBlock"]');
  });

  test('endpoint policy: connect actions on the served cluster only, for principals of its account', () => {
    expect(props.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'AllowConnectToServedClusters',
        Effect: 'Allow',
        Principal: '*',
        Action: ['dsql:DbConnect', 'dsql:DbConnectAdmin'],
        Resource: { 'Fn::GetAtt': [logical(s, cluster), 'ResourceArn'] },
        Condition: { StringEquals: { 'aws:PrincipalAccount': [ENV.account] } },
      }],
    });
  });

  test('the endpoint carries the private-path tag (its service name), so DsqlPrivatePathAdminPolicy may manage it', () => {
    expect(props.Tags).toEqual(expect.arrayContaining([
      { Key: DsqlPrivatePathAdminPolicy.TAG_KEY, Value: { 'Fn::GetAtt': [logical(s, cluster), 'VpcEndpointServiceName'] } },
    ]));
  });

  test('no network ACL and no management endpoint unless asked', () => {
    t.resourceCountIs('AWS::EC2::NetworkAcl', 0);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    expect(ep.networkAcl).toBeUndefined();
    expect(ep.managementEndpoint).toBeUndefined();
  });

  test('members: endpoint id, service name, host name, default port 5432', () => {
    expect(s.resolve(ep.vpcEndpointId)).toEqual({ Ref: s.getLogicalId(ep.endpoint.node.defaultChild as ec2.CfnVPCEndpoint) });
    expect(s.resolve(ep.serviceName)).toEqual({ 'Fn::GetAtt': [logical(s, cluster), 'VpcEndpointServiceName'] });
    expect(s.resolve(ep.hostName)).toEqual({ 'Fn::GetAtt': [logical(s, cluster), 'VpcEndpoint'] });
    expect(ep.connections.defaultPort?.toString()).toBe('5432');
    // the underlying InterfaceVpcEndpoint knows the service port too (aws-cdk-lib's default would be 443)
    expect(ep.endpoint.connections.defaultPort?.toString()).toBe('5432');
    expect(ep.servedClusters).toEqual([cluster]);
  });
});

describe('clients: aligned security groups on 5432', () => {
  test('allowedClients: a Lambda function\'s security group is admitted on 5432, and only on 5432', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const fn = fnIn(s, vpc);
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: new SecureDsqlCluster(s, 'Db'), allowedClients: [fn] });
    const t = Template.fromStack(s);
    const fnSg = s.getLogicalId(fn.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
    expect(sgIngress(t, s.getLogicalId(ep.securityGroup.node.defaultChild as ec2.CfnSecurityGroup))).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] } }),
    ]);
  });

  test('both directions of connections work, and a client without outbound access gets the matching egress rule', () => {
    for (const direction of ['endpoint.allowDefaultPortFrom', 'client.allowToDefaultPort', 'allowFrom'] as const) {
      const s = stack();
      const vpc = vpcOf(s);
      const clientSg = new ec2.SecurityGroup(s, 'ClientSg', { vpc, allowAllOutbound: false });
      const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: new SecureDsqlCluster(s, 'Db') });
      if (direction === 'endpoint.allowDefaultPortFrom') ep.connections.allowDefaultPortFrom(clientSg);
      else if (direction === 'client.allowToDefaultPort') clientSg.connections.allowToDefaultPort(ep);
      else ep.allowFrom(clientSg);
      const t = Template.fromStack(s);
      const epSg = s.getLogicalId(ep.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
      const cSg = s.getLogicalId(clientSg.node.defaultChild as ec2.CfnSecurityGroup);
      expect(sgIngress(t, epSg)).toEqual([expect.objectContaining({
        FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': [cSg, 'GroupId'] },
      })]);
      t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: { 'Fn::GetAtt': [cSg, 'GroupId'] },
        DestinationSecurityGroupId: { 'Fn::GetAtt': [epSg, 'GroupId'] },
        FromPort: 5432,
        ToPort: 5432,
      });
    }
  });

  test('a private CIDR peer is admitted on 5432', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
      vpc, cluster: new SecureDsqlCluster(s, 'Db'), allowedClients: [ec2.Peer.ipv4('10.20.0.0/16')],
    });
    const t = Template.fromStack(s);
    expect(sgIngress(t, s.getLogicalId(ep.securityGroup.node.defaultChild as ec2.CfnSecurityGroup))).toEqual([
      expect.objectContaining({ CidrIp: '10.20.0.0/16', FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' }),
    ]);
  });
});

describe('props', () => {
  test('subnets: the given selection, one subnet per AZ', () => {
    const s = stack();
    const vpc = vpcOf(s);
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: new SecureDsqlCluster(s, 'Db'), subnets: { subnetGroupName: 'apps' } });
    const ids = endpointProps(Template.fromStack(s)).SubnetIds.map((x: any) => x.Ref);
    expect(ids).toHaveLength(2);
    expect(ids.every((id: string) => id.startsWith('VpcappsSubnet'))).toBe(true);
  });

  test('privateDnsEnabled: false is written and warned about', () => {
    const s = stack();
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster: new SecureDsqlCluster(s, 'Db'), privateDnsEnabled: false });
    expect(endpointProps(Template.fromStack(s)).PrivateDnsEnabled).toBe(false);
    Annotations.fromStack(s).hasWarning('/Stack/Endpoint', Match.stringLikeRegexp('privateDnsEnabled is false'));
  });

  test('allowedPrincipalArns: the endpoint policy denies every other principal, rendered by the conditions renderer', () => {
    const s = stack();
    const role = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
      vpc: vpcOf(s),
      cluster: new SecureDsqlCluster(s, 'Db'),
      allowedPrincipalArns: [role.roleArn, 'arn:aws:iam::123456789012:role/ops-*'],
    });
    const statements = endpointProps(Template.fromStack(s)).PolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements[1]).toEqual({
      Sid: 'DenyUnlistedPrincipals',
      Effect: 'Deny',
      Principal: '*',
      Action: ['dsql:DbConnect', 'dsql:DbConnectAdmin'],
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [s.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] }, 'arn:aws:iam::123456789012:role/ops-*'] } },
    });
  });

  test('securityGroup: a given group is used and no other is created', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const sg = new ec2.SecurityGroup(s, 'Mine', { vpc, allowAllOutbound: false });
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: new SecureDsqlCluster(s, 'Db'), securityGroup: sg });
    const t = Template.fromStack(s);
    expect(ep.securityGroup).toBe(sg);
    expect(endpointProps(t).SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [s.getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] }]);
    t.resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  test('networkAcl: 5432 in from the merged blocks, ephemeral ports out to them, on the endpoint subnets only', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
      vpc,
      cluster: new SecureDsqlCluster(s, 'Db'),
      networkAcl: { allowedCidrs: ['10.0.128.0/18', '10.0.192.0/18', '10.1.0.0/24'] },
    });
    const t = Template.fromStack(s);
    const entries = Object.values<any>(t.findResources('AWS::EC2::NetworkAclEntry')).map((r) => r.Properties);
    const view = (e: any) => [e.Egress ? 'out' : 'in', e.RuleNumber, e.CidrBlock ?? e.Ipv6CidrBlock, e.Protocol, e.PortRange.From, e.PortRange.To, e.RuleAction];
    expect(entries.map(view).sort()).toEqual([
      ['in', 100, '10.0.128.0/17', 6, 5432, 5432, 'allow'],
      ['in', 110, '10.1.0.0/24', 6, 5432, 5432, 'allow'],
      ['out', 100, '10.0.128.0/17', 6, 1024, 65535, 'allow'],
      ['out', 110, '10.1.0.0/24', 6, 1024, 65535, 'allow'],
    ].sort());
    const aclId = s.getLogicalId(ep.networkAcl!.node.defaultChild as ec2.CfnNetworkAcl);
    const associated = Object.values<any>(t.findResources('AWS::EC2::SubnetNetworkAclAssociation'))
      .filter((r) => r.Properties.NetworkAclId.Ref === aclId).map((r) => r.Properties.SubnetId.Ref).sort();
    expect(associated).toEqual(endpointProps(t).SubnetIds.map((x: any) => x.Ref).sort());
  });

  test('networkAcl: maxRulesPerDirection up to 40 admits more blocks', () => {
    const s = stack();
    const cidrs = Array.from({ length: 30 }, (_, i) => `10.${i * 2}.0.0/16`); // never adjacent: 30 rules
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
      vpc: vpcOf(s), cluster: new SecureDsqlCluster(s, 'Db'), networkAcl: { allowedCidrs: cidrs, maxRulesPerDirection: 40 },
    });
    Template.fromStack(s).resourceCountIs('AWS::EC2::NetworkAclEntry', 60);
  });

  describe('the network layers carry the private-path tag, so that a DsqlPrivatePathGuardrail protects them', () => {
    const TAG = DsqlPrivatePathAdminPolicy.TAG_KEY;
    const tagsOf = (t: Template, logicalId: string) => (t.toJSON().Resources[logicalId].Properties.Tags ?? []) as any[];
    const hasPathTag = (t: Template, logicalId: string, value: unknown) =>
      tagsOf(t, logicalId).some((x) => x.Key === TAG && JSON.stringify(x.Value) === JSON.stringify(value));

    test('security group, management security group and network ACL: tagged with the service name; the ACL\'s subnets with the fixed subnet value', () => {
      const s = stack();
      const vpc = vpcOf(s);
      const cluster = new SecureDsqlCluster(s, 'Db');
      const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
        vpc, cluster, vpcSubnets: { subnetGroupName: 'endpoints' }, managementEndpoint: true, networkAcl: { allowedCidrs: ['10.0.0.0/16'] },
      });
      const t = Template.fromStack(s);
      const service = { 'Fn::GetAtt': [logical(s, cluster), 'VpcEndpointServiceName'] };
      expect(hasPathTag(t, logical(s, ep.securityGroup), service)).toBe(true);
      expect(hasPathTag(t, logical(s, ep.managementEndpoint!.connections.securityGroups[0]), service)).toBe(true);
      expect(hasPathTag(t, logical(s, ep.networkAcl!), service)).toBe(true);
      const endpointSubnets = endpointProps(t, service).SubnetIds.map((x: any) => x.Ref);
      expect(endpointSubnets).toHaveLength(2);
      // Not the service name: a subnet that referenced the cluster would form a dependency cycle (see below).
      for (const id of endpointSubnets) expect(hasPathTag(t, id, 'secure-dsql-private-path-subnet')).toBe(true);
      // ...and nothing else: not the other subnets, not the VPC, not the client side.
      const others = Object.keys(t.findResources('AWS::EC2::Subnet')).filter((id) => !endpointSubnets.includes(id));
      expect(others).toHaveLength(4);
      for (const id of others) expect(tagsOf(t, id).some((x) => x.Key === TAG)).toBe(false);
      expect(JSON.stringify(t.findResources('AWS::EC2::VPC'))).not.toContain(TAG);
      Annotations.fromStack(s).hasNoWarning('/Stack/Endpoint', Match.stringLikeRegexp('cannot tag'));
    });

    test('without a network ACL the subnets are not tagged (they may be shared with anything)', () => {
      const s = stack();
      new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster: new SecureDsqlCluster(s, 'Db') });
      expect(JSON.stringify(Template.fromStack(s).findResources('AWS::EC2::Subnet'))).not.toContain(TAG);
    });

    test('an imported security group and imported subnets cannot be tagged: a warning names them and what stays unguarded', () => {
      const s = stack();
      const vpc = ec2.Vpc.fromVpcAttributes(s, 'Imported', {
        vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'], isolatedSubnetIds: ['subnet-0123456789abcdef0'],
      });
      new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
        vpc,
        cluster: new SecureDsqlCluster(s, 'Db'),
        securityGroup: ec2.SecurityGroup.fromSecurityGroupId(s, 'Sg', 'sg-0123456789abcdef0'),
        privateDnsEnabled: false,
        networkAcl: { allowedCidrs: ['10.0.0.0/16'] },
      });
      Annotations.fromStack(s).hasWarning('/Stack/Endpoint', Match.stringLikeRegexp(
        '^SecurityGroup Stack/Sg, Subnet Stack/Imported/IsolatedSubnet1 are not defined in this app, so the library cannot tag them '
        + 'secure-dsql:private-path=<service name>: a DsqlPrivatePathGuardrail does not stop changes to their rules or network ACL association'));
    });
  });

  test('managementEndpoint: com.amazonaws.<region>.dsql on 443, its own group, read-only policy', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
      vpc,
      cluster: new SecureDsqlCluster(s, 'Db'),
      managementEndpoint: true,
      allowedPrincipalArns: ['arn:aws:iam::123456789012:role/ops'],
      networkAcl: { allowedCidrs: ['10.9.0.0/16'] },
    });
    const t = Template.fromStack(s);
    const mgmt = endpointProps(t, 'com.amazonaws.us-east-1.dsql');
    expect(mgmt.PrivateDnsEnabled).toBe(true);
    const mgmtSg = s.getLogicalId(ep.managementEndpoint!.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
    expect(mgmt.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [mgmtSg, 'GroupId'] }]);
    expect(mgmtSg).not.toBe(s.getLogicalId(ep.securityGroup.node.defaultChild as ec2.CfnSecurityGroup));
    expect(sgIngress(t, mgmtSg)).toEqual([]);
    expect(ep.managementEndpoint!.connections.defaultPort?.toString()).toBe('443');
    expect(mgmt.PolicyDocument.Statement).toEqual([
      {
        Sid: 'AllowManagementActions',
        Effect: 'Allow',
        Principal: '*',
        Resource: '*',
        Action: ['dsql:GetCluster', 'dsql:GetVpcEndpointServiceName', 'dsql:ListClusters', 'dsql:ListTagsForResource'],
        Condition: { StringEquals: { 'aws:PrincipalAccount': ENV.account } },
      },
      expect.objectContaining({ Sid: 'DenyUnlistedPrincipals', Effect: 'Deny', Action: 'dsql:*' }),
    ]);
    // with a network ACL, 443 is admitted too (same blocks), return traffic needs no extra rule
    t.hasResourceProperties('AWS::EC2::NetworkAclEntry', { Egress: false, PortRange: { From: 443, To: 443 }, CidrBlock: '10.9.0.0/16' });
    t.resourceCountIs('AWS::EC2::NetworkAclEntry', 3);
  });

  test('managementActions widen the management policy', () => {
    const s = stack();
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
      vpc: vpcOf(s), cluster: new SecureDsqlCluster(s, 'Db'), managementEndpoint: true, managementActions: ['dsql:GetCluster', 'dsql:UpdateCluster'],
    });
    expect(endpointProps(Template.fromStack(s), 'com.amazonaws.us-east-1.dsql').PolicyDocument.Statement[0].Action)
      .toEqual(['dsql:GetCluster', 'dsql:UpdateCluster']);
  });

  test('SecureDsqlCluster.addPrivateLinkEndpoint creates one for that cluster', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const ep = cluster.addPrivateLinkEndpoint('Private', { vpc: vpcOf(s) });
    expect(ep).toBeInstanceOf(DsqlPrivateLinkEndpoint);
    expect(ep.servedClusters).toEqual([cluster]);
    expect(endpointProps(Template.fromStack(s)).ServiceName).toEqual({ 'Fn::GetAtt': [logical(s, cluster), 'VpcEndpointServiceName'] });
  });

  test('addHostNameOutput writes the host name of each served cluster', () => {
    const s = stack();
    const a = SecureDsqlCluster.fromClusterAttributes(s, 'A', { clusterIdentifier: ID_A, vpcEndpointServiceName: SERVICE });
    const b = SecureDsqlCluster.fromClusterAttributes(s, 'B', { clusterIdentifier: ID_B, vpcEndpointServiceName: SERVICE });
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster: a });
    ep.addCluster(b);
    ep.addHostNameOutput();
    ep.addHostNameOutput(b);
    ep.addHostNameOutput(b, 'Custom');
    const outputs = Template.fromStack(s).toJSON().Outputs;
    const byId = Object.fromEntries(Object.entries<any>(outputs).map(([k, v]) => [k.replace(/[0-9A-F]{8}$/, ''), v.Value]));
    expect(byId).toEqual({
      EndpointHostName: `${ID_A}.dsql-a1b2c3.us-east-1.on.aws`,
      EndpointHostName2: `${ID_B}.dsql-a1b2c3.us-east-1.on.aws`,
      EndpointCustom: `${ID_B}.dsql-a1b2c3.us-east-1.on.aws`,
    });
  });
});

describe('more members', () => {
  test('addToPolicy adds a statement to the connection endpoint policy, and the size check counts it', () => {
    const s = stack();
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster: new SecureDsqlCluster(s, 'Db') });
    ep.addToPolicy(new iam.PolicyStatement({
      sid: 'DenyOutsideOrg',
      effect: iam.Effect.DENY,
      principals: [new iam.StarPrincipal()],
      actions: ['dsql:*'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
    }));
    expect(endpointProps(Template.fromStack(s)).PolicyDocument.Statement.map((x: any) => x.Sid)).toEqual(['AllowConnectToServedClusters', 'DenyOutsideOrg']);

    const s2 = stack();
    const ep2 = new DsqlPrivateLinkEndpoint(s2, 'Endpoint', { vpc: vpcOf(s2), cluster: new SecureDsqlCluster(s2, 'Db') });
    ep2.addToPolicy(new iam.PolicyStatement({
      principals: [new iam.StarPrincipal()],
      actions: ['dsql:DbConnect'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalTag/team': Array.from({ length: 2500 }, (_, i) => `team-${i}`) } },
    }));
    expect(() => Template.fromStack(s2)).toThrow(/make an endpoint policy over the VPC endpoint policy quota of 20480 characters/);
  });

  test('a CIDR peer given as a token is admitted with a warning (it cannot be checked at synth)', () => {
    const s = stack();
    const vpc = vpcOf(s);
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: new SecureDsqlCluster(s, 'Db'), allowedClients: [ec2.Peer.ipv4(vpc.vpcCidrBlock)] });
    Annotations.fromStack(s).hasWarning('/Stack/Endpoint', Match.stringLikeRegexp('allowedClients: a CIDR block given as a token cannot be checked'));
  });

  test('addCluster refuses a cluster without a service name', () => {
    const s = stack();
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
      vpc: vpcOf(s), cluster: SecureDsqlCluster.fromClusterAttributes(s, 'A', { clusterIdentifier: ID_A, vpcEndpointServiceName: SERVICE }),
    });
    expect(() => ep.addCluster(SecureDsqlCluster.fromClusterIdentifier(s, 'B', ID_B))).toThrow(
      'Stack/Endpoint: addCluster(cluster) has no vpcEndpointServiceName, so it cannot be shown to share the endpoint\'s service (got "Stack/B")');
  });

  test('managementActions must be dsql actions', () => {
    const s = stack();
    expect(() => new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
      vpc: vpcOf(s), cluster: new SecureDsqlCluster(s, 'Db'), managementEndpoint: true, managementActions: ['s3:GetObject'],
    })).toThrow(/managementActions is not an Aurora DSQL action \(got "s3:GetObject"\)/);
  });
});

describe('sharing one endpoint', () => {
  test('clusters with the same service name share one endpoint; the policy names both', () => {
    const s = stack();
    const a = SecureDsqlCluster.fromClusterAttributes(s, 'A', { clusterIdentifier: ID_A, vpcEndpointServiceName: SERVICE });
    const b = SecureDsqlCluster.fromClusterAttributes(s, 'B', { clusterIdentifier: ID_B, vpcEndpointServiceName: SERVICE });
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster: a });
    ep.addCluster(b);
    ep.addCluster(b); // idempotent
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    const p = endpointProps(t);
    expect(p.ServiceName).toBe(SERVICE);
    const r = new ResolvedTemplate(s);
    expect(r.resolve(p.PolicyDocument.Statement[0].Resource)).toEqual([
      `arn:aws:dsql:us-east-1:123456789012:cluster/${ID_A}`,
      `arn:aws:dsql:us-east-1:123456789012:cluster/${ID_B}`,
    ]);
    expect(p.PolicyDocument.Statement[0].Condition).toEqual({ StringEquals: { 'aws:PrincipalAccount': ['123456789012'] } });
    expect(ep.hostNameFor(b)).toBe(`${ID_B}.dsql-a1b2c3.us-east-1.on.aws`);
    expect(ep.servedClusters).toEqual([a, b]);
  });

  test('a cluster with another service name is refused', () => {
    const s = stack();
    const a = SecureDsqlCluster.fromClusterAttributes(s, 'A', { clusterIdentifier: ID_A, vpcEndpointServiceName: SERVICE });
    const b = SecureDsqlCluster.fromClusterAttributes(s, 'B', { clusterIdentifier: ID_B, vpcEndpointServiceName: 'com.amazonaws.us-east-1.dsql-ffffff' });
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster: a });
    expect(() => ep.addCluster(b)).toThrow(
      'Stack/Endpoint: addCluster(cluster) is the service name of Stack/B, but this endpoint connects to com.amazonaws.us-east-1.dsql-a1b2c3 '
      + '(got "com.amazonaws.us-east-1.dsql-ffffff"). An endpoint serves clusters of one service name only: create another endpoint for this cluster');
  });

  test('two clusters created in the app cannot be shown to share a service name, so sharing is refused', () => {
    const s = stack();
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster: new SecureDsqlCluster(s, 'A') });
    expect(() => ep.addCluster(new SecureDsqlCluster(s, 'B'))).toThrow(
      /Stack\/Endpoint: addCluster\(cluster\) \(the service name of Stack\/B\) cannot be shown to equal the endpoint's service name <token> at synth time \(got <token>\)\. Give each cluster its own endpoint/);
  });

  test('hostNameFor a cluster the endpoint does not serve is an error', () => {
    const s = stack();
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster: new SecureDsqlCluster(s, 'A') });
    const other = SecureDsqlCluster.fromClusterAttributes(s, 'B', { clusterIdentifier: ID_B, vpcEndpointServiceName: SERVICE });
    expect(() => ep.hostNameFor(other)).toThrow('Stack/Endpoint: hostNameFor(cluster) is not served by this endpoint (got "Stack/B"). Add it with addCluster(cluster) first');
  });
});

describe('bad input', () => {
  function make(props: (s: Stack, vpc: ec2.Vpc) => Partial<ConstructorParameters<typeof DsqlPrivateLinkEndpoint>[2]>, env = ENV) {
    const s = stack(env);
    const vpc = vpcOf(s);
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: new SecureDsqlCluster(s, 'Db'), ...props(s, vpc) });
    return { s, ep, vpc };
  }

  test.each([
    ['any IPv4', () => ec2.Peer.anyIpv4(), '"0.0.0.0/0"', 'admits every address'],
    ['any IPv6', () => ec2.Peer.anyIpv6(), '"::/0"', 'admits every address'],
    ['a public block', () => ec2.Peer.ipv4('203.0.113.0/24'), '"203.0.113.0/24"', 'is not a private range'],
    ['a block reaching beyond a private range', () => ec2.Peer.ipv4('172.0.0.0/8'), '"172.0.0.0/8"', 'is not a private range'],
  ])('allowedClients: %s is refused', (_name, peer, shown, problem) => {
    expect(() => make(() => ({ allowedClients: [peer()] }))).toThrow(
      new RegExp(`^Stack/Endpoint: allowedClients ${problem}.*\\(got ${shown.replace(/[.*/]/g, '\\$&')}\\)\\. Admit the clients' security groups`));
  });

  test('allowFrom(client) refuses 0.0.0.0/0 at once', () => {
    const { ep } = make(() => ({}));
    expect(() => ep.allowFrom(ec2.Peer.anyIpv4())).toThrow(/^Stack\/Endpoint: allowFrom\(client\) admits every address.*\(got "0\.0\.0\.0\/0"\)/);
  });

  test('a CIDR rule that bypasses allowFrom (connections, or a rule on your own group) fails at synth', () => {
    const { s, ep } = make(() => ({}));
    ep.connections.allowFrom(ec2.Peer.anyIpv4(), ec2.Port.tcp(5432));
    expect(() => Template.fromStack(s)).toThrow(/Stack\/Endpoint: securityGroup has an ingress rule from every address \(got "0\.0\.0\.0\/0"\)\. Admit clients by security group/);

    const s2 = stack();
    const vpc2 = vpcOf(s2);
    const mine = ec2.SecurityGroup.fromSecurityGroupId(s2, 'Mine', 'sg-0123456789abcdef0');
    new DsqlPrivateLinkEndpoint(s2, 'Endpoint', { vpc: vpc2, cluster: new SecureDsqlCluster(s2, 'Db'), securityGroup: mine });
    mine.addIngressRule(ec2.Peer.ipv4('198.51.100.0/24'), ec2.Port.tcp(5432));
    expect(() => Template.fromStack(s2)).toThrow(/securityGroup has an ingress rule from a block that is not a private range \(got "198\.51\.100\.0\/24"\)/);
  });

  test('more than 60 inbound rules on the endpoint group fail at synth', () => {
    const peers = Array.from({ length: 61 }, (_, i) => ec2.Peer.ipv4(`10.${i}.0.0/16`));
    const { s } = make(() => ({ allowedClients: peers }));
    expect(() => Template.fromStack(s)).toThrow(/Stack\/Endpoint: securityGroup is over the quota of 60 inbound rules per security group \(got "61 inbound rules"\)/);
  });

  test('60 inbound rules are fine', () => {
    const peers = Array.from({ length: 60 }, (_, i) => ec2.Peer.ipv4(`10.${i}.0.0/16`));
    const { s } = make(() => ({ allowedClients: peers }));
    expect(() => Template.fromStack(s)).not.toThrow();
  });

  test('a cluster of another Region is refused', () => {
    const app = new App();
    const west = new Stack(app, 'West', { env: { account: ENV.account, region: 'us-west-2' } });
    const east = new Stack(app, 'East', { env: ENV });
    const cluster = new SecureDsqlCluster(west, 'Db');
    expect(() => new DsqlPrivateLinkEndpoint(east, 'Endpoint', { vpc: vpcOf(east), cluster })).toThrow(
      'East/Endpoint: cluster is in Region us-west-2, but the endpoint is in Region us-east-1: an interface endpoint serves clusters of its own Region only (got "West/Db"). '
      + 'Create the endpoint in a stack of us-west-2');
  });

  test('an imported cluster of another Region, or a service name of another Region, is refused', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const imported = SecureDsqlCluster.fromClusterAttributes(s, 'Eu', {
      clusterIdentifier: ID_A, region: 'eu-west-1', vpcEndpointServiceName: 'com.amazonaws.eu-west-1.dsql-a1b2c3',
    });
    expect(() => new DsqlPrivateLinkEndpoint(s, 'E1', { vpc, cluster: imported })).toThrow(/Stack\/E1: cluster is in Region eu-west-1, but the endpoint is in Region us-east-1/);
    const ep = new DsqlPrivateLinkEndpoint(s, 'E2', {
      vpc, cluster: SecureDsqlCluster.fromClusterAttributes(s, 'A', { clusterIdentifier: ID_A, vpcEndpointServiceName: SERVICE }),
    });
    expect(() => ep.addCluster(imported)).toThrow(/Stack\/E2: addCluster\(cluster\) is in Region eu-west-1/);
  });

  test('an imported cluster without a service name is refused when the endpoint is constructed directly (the factory looks it up)', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'A', ID_A);
    expect(() => new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc: vpcOf(s), cluster })).toThrow(
      'Stack/Endpoint: cluster has no vpcEndpointServiceName, so the endpoint does not know which service to connect to (got "Stack/A"). '
      + 'Create the endpoint with cluster.addPrivateLinkEndpoint(id, options), which looks the service name up at deploy time, or import the cluster with');
  });

  test.each<[string, (vpc: ec2.Vpc) => ec2.SubnetSelection | undefined, string]>([
    ['a filter that matches nothing', () => ({ subnetGroupName: 'apps', subnetFilters: [ec2.SubnetFilter.byIds(['subnet-00000000'])] }), 'selects no subnet'],
    ['a group that does not exist', () => ({ subnetGroupName: 'nope' }), 'selects no subnet of the VPC'],
    ['an explicit empty list', () => ({ subnets: [] }), 'selects no subnet'],
  ])('subnets: %s is an error', (_name, selection, problem) => {
    const s = stack();
    const vpc = vpcOf(s);
    expect(() => new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: new SecureDsqlCluster(s, 'Db'), subnets: selection(vpc) }))
      .toThrow(new RegExp(`^Stack/Endpoint: subnets ${problem}.*Select`));
  });

  test('default subnets: a VPC with public subnets only is an error, not a public endpoint', () => {
    const s = stack();
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: new SecureDsqlCluster(s, 'Db') })).toThrow(
      'Stack/Endpoint: subnets selects no subnet (got "default (private, else isolated subnets)"). The VPC has no private or isolated subnet');
  });

  test('networkAcl: over the quota after merging fails, and names the count and the fix', () => {
    const cidrs = Array.from({ length: 21 }, (_, i) => `10.${i * 2}.0.0/16`);
    expect(() => make(() => ({ networkAcl: { allowedCidrs: cidrs } }))).toThrow(
      /^Stack\/Endpoint: networkAcl\.allowedCidrs needs 21 inbound rules of one IP family after merging into 21 blocks \(port 5432\), over the quota of 20 per direction \(got \[.*\]\)\. Summarise the client networks into fewer blocks, or raise the quota \(up to 40\)/);
  });

  test('networkAcl: 40 adjacent blocks merge into few rules and pass', () => {
    const cidrs = Array.from({ length: 40 }, (_, i) => `10.0.${i}.0/24`); // 10.0.0.0/19 + 10.0.32.0/21
    const { s } = make(() => ({ networkAcl: { allowedCidrs: cidrs } }));
    const entries = Object.values<any>(Template.fromStack(s).findResources('AWS::EC2::NetworkAclEntry')).map((r) => r.Properties.CidrBlock);
    expect(entries.sort()).toEqual(['10.0.0.0/19', '10.0.0.0/19', '10.0.32.0/21', '10.0.32.0/21']);
  });

  test('networkAcl: the management port counts against the inbound quota', () => {
    const cidrs = Array.from({ length: 11 }, (_, i) => `10.${i * 2}.0.0/16`);
    expect(() => make(() => ({ managementEndpoint: true, networkAcl: { allowedCidrs: cidrs } }))).toThrow(
      /networkAcl\.allowedCidrs needs 22 inbound rules of one IP family after merging into 11 blocks \(ports 5432 and 443\)/);
  });

  describe('IPv6: the endpoint has IPv4 addresses only, so IPv6 blocks are refused with that reason', () => {
    // A unique-local block and an AWS-assigned global block of the VPC (both "private" to the VPC, neither can match).
    const V6 = ['fd00:1::/64', '2600:1f18:abcd:1200::/56'];
    const why = 'is an IPv6 block, but the endpoint has IPv4 addresses only \\(Aurora DSQL documents no dual-stack interface endpoint for its connection service\\), so it could never match';
    test.each(V6)('allowedClients: %s', (cidr) => {
      expect(() => make(() => ({ allowedClients: [ec2.Peer.ipv6(cidr)] }))).toThrow(
        new RegExp(`^Stack/Endpoint: allowedClients ${why} \\(got "${cidr.replace(/[.*/]/g, '\\$&')}"\\)\\. Admit the clients' security groups \\(allowedClients: \\[fn\\]\\), or their private IPv4 CIDR blocks`));
    });
    test.each(V6)('allowFrom(client): %s', (cidr) => {
      const { ep } = make(() => ({}));
      expect(() => ep.allowFrom(ec2.Peer.ipv6(cidr))).toThrow(new RegExp(`^Stack/Endpoint: allowFrom\\(client\\) ${why}`));
    });
    test.each(V6)('networkAcl.allowedCidrs: %s (among IPv4 blocks)', (cidr) => {
      expect(() => make(() => ({ networkAcl: { allowedCidrs: ['10.0.0.0/16', cidr] } }))).toThrow(
        new RegExp(`^Stack/Endpoint: networkAcl\\.allowedCidrs ${why}.*List the client networks' private IPv4 CIDR blocks`));
    });
    test('a rule added past allowFrom (connections) fails at synth', () => {
      const { s, ep } = make(() => ({}));
      ep.connections.allowFrom(ec2.Peer.ipv6('fd00:1::/64'), ec2.Port.tcp(5432));
      expect(() => Template.fromStack(s)).toThrow(
        /Stack\/Endpoint: securityGroup has an ingress rule from an IPv6 block, which could never match: the endpoint has IPv4 addresses only \(got "fd00:1::\/64"\)/);
    });
  });

  test.each<[string, any, RegExp]>([
    ['maxRulesPerDirection over 40', { allowedCidrs: ['10.0.0.0/8'], maxRulesPerDirection: 41 }, /networkAcl\.maxRulesPerDirection must be an integer from 1 to 40 .*\(got 41\)/],
    ['a public block', { allowedCidrs: ['203.0.113.0/24'] }, /networkAcl\.allowedCidrs is not a private range .*\(got "203\.0\.113\.0\/24"\)/],
    ['any address', { allowedCidrs: ['0.0.0.0/0'] }, /networkAcl\.allowedCidrs admits every address.*\(got "0\.0\.0\.0\/0"\)\. List the client networks' private IPv4 CIDR blocks/],
    ['host bits', { allowedCidrs: ['10.0.0.1/16'] }, /networkAcl\.allowedCidrs has host bits set; the network address is 10\.0\.0\.0\/16/],
    ['an empty list', { allowedCidrs: [] }, /networkAcl\.allowedCidrs is an empty list/],
    ['a duplicate', { allowedCidrs: ['10.0.0.0/8', '10.0.0.0/8'] }, /networkAcl\.allowedCidrs lists the same value twice/],
  ])('networkAcl: %s is an error', (_name, networkAcl, expected) => {
    expect(() => make(() => ({ networkAcl }))).toThrow(expected);
  });

  test('networkAcl: a token block the app does not know is an error (it cannot be merged or counted)', () => {
    // The vpcCidrBlock of a VPC created in the app is known, and accepted (private-link-endpoint-network.test.ts).
    expect(() => make(() => ({ networkAcl: { allowedCidrs: [Fn.importValue('ClientCidr')] } }))).toThrow(
      /networkAcl\.allowedCidrs is a token whose value the app does not know: the blocks must be known at synth/);
  });

  test.each<[string, any, RegExp]>([
    ['allowedClients: []', { allowedClients: [] }, /allowedClients is an empty list/],
    ['allowedPrincipalArns: []', { allowedPrincipalArns: [] }, /allowedPrincipalArns is an empty list/],
    ['a principal that is not an IAM ARN', { allowedPrincipalArns: ['app-role'] }, /allowedPrincipalArns is not an IAM role or user ARN \(got "app-role"\)/],
    ['managementActions without the endpoint', { managementActions: ['dsql:GetCluster'] }, /managementActions is set but managementEndpoint is not/],
    ['a connect action on the management endpoint', { managementEndpoint: true, managementActions: ['dsql:DbConnect'] }, /managementActions is not a management action/],
    ['dsql:* on the management endpoint', { managementEndpoint: true, managementActions: ['dsql:*'] }, /managementActions .*admits all of them \(got "dsql:\*"\)/],
  ])('%s is an error', (_name, props, expected) => {
    expect(() => make(() => props)).toThrow(expected);
  });

  test('private DNS in a VPC without DNS host names is an error', () => {
    const s = stack();
    const vpc = vpcOf(s, 'Vpc', { enableDnsHostnames: false });
    expect(() => new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: new SecureDsqlCluster(s, 'Db') })).toThrow(
      /privateDnsEnabled needs DNS support and DNS host names in the VPC, which are off \(got true\)/);
  });

  test('an endpoint policy over 20,480 characters fails at synth', () => {
    const arns = Array.from({ length: 200 }, (_, i) => `arn:aws:iam::123456789012:role/application-team-${'x'.repeat(60)}-${i}`);
    const { s } = make(() => ({ allowedPrincipalArns: arns }));
    expect(() => Template.fromStack(s)).toThrow(/Stack\/Endpoint: allowedPrincipalArns\/addCluster make an endpoint policy over the VPC endpoint policy quota of 20480 characters \(got "\d+ characters"\)/);
  });
});

test('snapshot: endpoint with clients, principals, network ACL and management endpoint', () => {
  const s = stack();
  const vpc = vpcOf(s);
  const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true } });
  const fn = fnIn(s, vpc);
  const ep = cluster.addPrivateLinkEndpoint('Private', {
    vpc,
    subnets: { subnetGroupName: 'endpoints' },
    allowedClients: [fn],
    allowedPrincipalArns: [fn.role!.roleArn],
    networkAcl: { allowedCidrs: ['10.0.0.0/17', '10.0.128.0/17'] },
    managementEndpoint: true,
  });
  ep.addHostNameOutput();
  expect(Template.fromStack(s).toJSON()).toMatchSnapshot();
});

test('a network ACL and a client in the VPC that the cluster\'s principal list admits make no dependency cycle', () => {
  // Once the endpoint's subnets carried a tag naming the cluster's service name: subnet -> cluster -> client
  // role (in principalArns) -> the subnet's route-table association -> subnet.
  const s = stack();
  const vpc = vpcOf(s);
  const fn = new lambda.Function(s, 'Fn', {
    vpc, vpcSubnets: { subnetGroupName: 'endpoints' }, runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('x'),
  });
  const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true, principalArns: [fn.role!.roleArn] } });
  cluster.addPrivateLinkEndpoint('Private', {
    vpc, vpcSubnets: { subnetGroupName: 'endpoints' }, allowedClients: [fn], networkAcl: { allowedCidrs: ['10.0.0.0/16'] },
  });
  expect(() => Template.fromStack(s)).not.toThrow();
});

describe('private-path tags and the app\'s own Tags', () => {
  const TAG = 'secure-dsql:private-path';
  const build = (apply: (app: App) => void) => {
    const app = new App();
    const s = new Stack(app, 'Stack', { env: ENV });
    const vpc = vpcOf(s);
    const cluster = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: ID_A, vpcEndpointServiceName: SERVICE });
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster, networkAcl: { allowedCidrs: ['10.0.0.0/16'] } });
    apply(app);
    const t = Template.fromStack(s);
    const tagOf = (type: string) => Object.values<any>(t.findResources(type))
      .map((r) => (r.Properties.Tags ?? []).find((x: any) => x.Key === TAG)?.Value);
    return {
      endpoint: tagOf('AWS::EC2::VPCEndpoint'),
      sg: tagOf('AWS::EC2::SecurityGroup'),
      acl: tagOf('AWS::EC2::NetworkAcl'),
      // The subnets the network ACL is on (the endpoint's isolated subnets); the VPC's other subnets are untagged.
      subnets: tagOf('AWS::EC2::Subnet').filter((v) => v !== undefined),
    };
  };

  test('the endpoint, its security group and network ACL carry the service name; the ACL\'s subnets the fixed value', () => {
    expect(build(() => undefined)).toEqual({
      endpoint: [SERVICE], sg: [SERVICE], acl: [SERVICE], subnets: ['secure-dsql-private-path-subnet', 'secure-dsql-private-path-subnet'],
    });
  });

  test('an app-wide tag of the same key at the default priority does not replace them; a higher priority does', () => {
    expect(build((app) => Tags.of(app).add(TAG, 'other')).endpoint).toEqual([SERVICE]);
    expect(build((app) => Tags.of(app).add(TAG, 'other', { priority: 150 })).endpoint).toEqual(['other']);
  });

  test('Tags.of(scope).remove removes them (the guardrail is what stops that on a deployed path)', () => {
    expect(build((app) => Tags.of(app).remove(TAG))).toEqual({ endpoint: [undefined], sg: [undefined], acl: [undefined], subnets: [] });
  });
});
