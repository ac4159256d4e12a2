import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { checkedStack, compliantCluster, findingsOf, vpc } from './support';
import { DsqlPrivateLinkEndpoint, SecureDsqlCluster } from '../../src';

const SERVICE = 'com.amazonaws.us-east-1.dsql-a1b2';

interface L1EndpointOptions {
  readonly serviceName?: unknown;
  readonly privateDnsEnabled?: boolean;
  /** Inline ingress rules of the endpoint's security group. */
  readonly inline?: ec2.CfnSecurityGroup.IngressProperty[];
  /** Separate AWS::EC2::SecurityGroupIngress resources for the endpoint's security group. */
  readonly separate?: Array<Omit<ec2.CfnSecurityGroupIngressProps, 'groupId'>>;
  /** Leave SecurityGroupIds out. */
  readonly noSecurityGroup?: boolean;
  readonly policyDocument?: unknown;
}

/** An L1 interface endpoint in a VPC of 10.0.0.0/16 with its own security group. */
function l1Endpoint(s: Stack, o: L1EndpointOptions = {}): ec2.CfnVPCEndpoint {
  const v = vpc(s);
  const sg = new ec2.CfnSecurityGroup(s, 'EndpointSg', { groupDescription: 'endpoint', vpcId: v.vpcId, securityGroupIngress: o.inline });
  (o.separate ?? []).forEach((rule, i) => new ec2.CfnSecurityGroupIngress(s, `Ingress${i}`, { ...rule, groupId: sg.attrGroupId }));
  return new ec2.CfnVPCEndpoint(s, 'Endpoint', {
    vpcId: v.vpcId,
    serviceName: (o.serviceName ?? SERVICE) as string,
    vpcEndpointType: 'Interface',
    privateDnsEnabled: o.privateDnsEnabled ?? true,
    securityGroupIds: o.noSecurityGroup ? undefined : [sg.attrGroupId],
    subnetIds: v.isolatedSubnets.map((sn) => sn.subnetId),
    policyDocument: o.policyDocument,
  });
}

const tcp = (cidrIp: string, port = 5432) => ({ ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIp });

/** The endpoint most teams write first with aws-cdk-lib: port 443, private DNS off, open to the VPC. */
function naiveEndpoint(s: Stack): void {
  const cluster = compliantCluster(s);
  new ec2.InterfaceVpcEndpoint(s, 'Naive', { vpc: vpc(s), service: new ec2.InterfaceVpcEndpointService(cluster.attrVpcEndpointServiceName) });
}

describe('DSQL-E1 connection endpoint with private DNS off', () => {
  test('non-compliant: the naive InterfaceVpcEndpoint (InterfaceVpcEndpointService defaults to private DNS off)', () => {
    const s = checkedStack();
    naiveEndpoint(s);
    expect(findingsOf(s, 'DSQL-E1')).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Naive/Resource' })]);
  });

  test.each([
    ['a literal connection service name', SERVICE],
    ['a service name built with the Region', { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dsql-a1b2']] }],
  ])('non-compliant: %s with PrivateDnsEnabled false', (_name, serviceName) => {
    const s = checkedStack();
    l1Endpoint(s, { serviceName, privateDnsEnabled: false });
    expect(findingsOf(s, 'DSQL-E1')).toEqual([expect.objectContaining({ path: '/Stack/Endpoint' })]);
  });

  test('non-compliant: DsqlPrivateLinkEndpoint with privateDnsEnabled: false (the library warns too, under its own id)', () => {
    const s = checkedStack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    cluster.addPrivateLinkEndpoint('Private', { vpc: vpc(s), privateDnsEnabled: false });
    expect(findingsOf(s, 'DSQL-E1')).toEqual([expect.objectContaining({ path: '/Stack/Db/Private/Resource/Resource' })]);
  });

  test.each([
    ['PrivateDnsEnabled true', {}],
    ['an endpoint to another service', { serviceName: 'com.amazonaws.us-east-1.s3', privateDnsEnabled: false }],
    ['the management endpoint (E1 is about cluster host names)', {
      serviceName: 'com.amazonaws.us-east-1.dsql',
      privateDnsEnabled: false,
      policyDocument: { Statement: [] },
    }],
  ])('compliant: %s', (_name, o) => {
    const s = checkedStack();
    l1Endpoint(s, o);
    expect(findingsOf(s, 'DSQL-E1')).toEqual([]);
  });
});

describe('DSQL-E2 endpoint security group with ingress from outside the private ranges', () => {
  test.each<[string, L1EndpointOptions, RegExp]>([
    ['0.0.0.0/0 inline', { inline: [tcp('0.0.0.0/0')] }, /EndpointSg admits 0\.0\.0\.0\/0 on tcp 5432: admits every address/],
    ['a public block in a separate ingress resource', { separate: [tcp('203.0.113.0/24')] }, /203\.0\.113\.0\/24.*not a private range/],
    ['::/0', { inline: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIpv6: '::/0' }] }, /every address/],
    ['an IPv6 unique local block (the endpoint is IPv4-only)', { inline: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIpv6: 'fd00::/8' }] }, /IPv6 block/],
  ])('non-compliant: %s', (_name, o, detail) => {
    const s = checkedStack();
    l1Endpoint(s, o);
    const found = findingsOf(s, 'DSQL-E2');
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Endpoint' })]);
    expect(found[0].message).toMatch(detail);
  });

  test.each<[string, L1EndpointOptions]>([
    ['a private block of the clients', { inline: [tcp('10.0.1.0/24')] }],
    ['a security group source', { separate: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, sourceSecurityGroupId: 'sg-0123456789abcdef0' }] }],
    ['a public block on an endpoint to another service', { serviceName: 'com.amazonaws.us-east-1.s3', inline: [tcp('0.0.0.0/0')] }],
  ])('compliant: %s', (_name, o) => {
    const s = checkedStack();
    l1Endpoint(s, o);
    expect(findingsOf(s, 'DSQL-E2')).toEqual([]);
  });

  test('not reported twice: DsqlPrivateLinkEndpoint refuses a public ingress rule at synth itself', () => {
    const s = checkedStack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const endpoint = new DsqlPrivateLinkEndpoint(s, 'Private', { vpc: vpc(s), cluster });
    endpoint.connections.allowFrom(ec2.Peer.ipv4('203.0.113.0/24'), ec2.Port.tcp(5432));
    expect(() => (s.node.root as App).synth()).toThrow(/has an ingress rule from a block that is not a private range/);
    // The aspect ran before the validation failed: its annotations are in the construct metadata.
    const messages = s.node.findAll().flatMap((c) => c.node.metadata.map((m) => String(m.data)));
    // Only the cluster's DSQL-C2 (no restricting policy); DSQL-C4 is in the strict level.
    expect(messages.filter((m) => m.startsWith('[DSQL-'))).toEqual([expect.stringMatching(/^\[DSQL-C2\]/)]);
  });
});

describe('DSQL-E3 endpoint open to its whole VPC', () => {
  test('non-compliant: the naive InterfaceVpcEndpoint (open: true admits the VPC CIDR)', () => {
    const s = checkedStack();
    naiveEndpoint(s);
    const found = findingsOf(s, 'DSQL-E3');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Naive/Resource' })]);
    expect(found[0].message).toMatch(/the CIDR block of VPC Vpc/);
  });

  test.each<[string, L1EndpointOptions, RegExp]>([
    ['the VPC block written out', { inline: [tcp('10.0.0.0/16')] }, /contains the VPC's CIDR block/],
    ['a wider private block', { separate: [tcp('10.0.0.0/8')] }, /10\.0\.0\.0\/8/],
    ['no security group (the VPC default group applies)', { noSecurityGroup: true }, /default security group/],
  ])('non-compliant: %s', (_name, o, detail) => {
    const s = checkedStack();
    l1Endpoint(s, o);
    const found = findingsOf(s, 'DSQL-E3');
    expect(found).toEqual([expect.objectContaining({ path: '/Stack/Endpoint' })]);
    expect(found[0].message).toMatch(detail);
  });

  test('non-compliant: DsqlPrivateLinkEndpoint that admits the VPC CIDR (accepted by the library: it is private)', () => {
    const s = checkedStack();
    const v = vpc(s);
    const cluster = new SecureDsqlCluster(s, 'Db');
    cluster.addPrivateLinkEndpoint('Private', { vpc: v, allowedClients: [ec2.Peer.ipv4('10.0.0.0/16')] });
    expect(findingsOf(s, 'DSQL-E3')).toEqual([expect.objectContaining({ path: '/Stack/Db/Private/Resource/Resource' })]);
  });

  test.each<[string, L1EndpointOptions]>([
    ['a subnet of the VPC', { inline: [tcp('10.0.1.0/24')] }],
    ['a security group source', { separate: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, sourceSecurityGroupId: 'sg-0123456789abcdef0' }] }],
  ])('compliant: %s', (_name, o) => {
    const s = checkedStack();
    l1Endpoint(s, o);
    expect(findingsOf(s, 'DSQL-E3')).toEqual([]);
  });
});

describe('DSQL-E3 with an imported VPC (no VPC resource in the template; the app knows its CIDR)', () => {
  const imported = (s: Stack, vpcCidrBlock?: string) => ec2.Vpc.fromVpcAttributes(s, 'Imported', {
    vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock, availabilityZones: ['us-east-1a'], isolatedSubnetIds: ['subnet-0123456789abcdef0'],
  });

  test('non-compliant: Vpc.fromVpcAttributes with its CIDR and an InterfaceVpcEndpoint left open: true', () => {
    const s = checkedStack();
    const cluster = compliantCluster(s);
    new ec2.InterfaceVpcEndpoint(s, 'Open', {
      vpc: imported(s, '10.20.0.0/16'), service: new ec2.InterfaceVpcEndpointService(cluster.attrVpcEndpointServiceName, 5432),
    });
    const found = findingsOf(s, 'DSQL-E3');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Open/Resource' })]);
    expect(found[0].message).toMatch(/10\.20\.0\.0\/16.*it contains the VPC's CIDR block/);
  });

  test.each<[string, string | undefined, string]>([
    ['open: false, a subnet of the imported VPC admitted', '10.20.0.0/16', '10.20.1.0/24'],
    ['an imported VPC whose CIDR the app does not know', undefined, '10.20.0.0/16'],
  ])('control: %s', (_name, vpcCidr, admitted) => {
    const s = checkedStack();
    const cluster = compliantCluster(s);
    const endpoint = new ec2.InterfaceVpcEndpoint(s, 'Closed', {
      vpc: imported(s, vpcCidr), open: false, service: new ec2.InterfaceVpcEndpointService(cluster.attrVpcEndpointServiceName, 5432),
    });
    endpoint.connections.allowFrom(ec2.Peer.ipv4(admitted), ec2.Port.tcp(5432));
    expect(findingsOf(s, 'DSQL-E3')).toEqual([]);
  });
});

describe('DSQL-E5 connection endpoint without an endpoint policy', () => {
  test('non-compliant: the naive InterfaceVpcEndpoint (no policy: the default allows everything)', () => {
    const s = checkedStack();
    naiveEndpoint(s);
    const found = findingsOf(s, 'DSQL-E5');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Naive/Resource' })]);
    expect(found[0].message).toMatch(/no PolicyDocument/);
  });

  test('compliant: an L1 endpoint with a policy; DsqlPrivateLinkEndpoint (its own policy); a management endpoint (DSQL-M1\'s)', () => {
    const s = checkedStack();
    l1Endpoint(s, { inline: [tcp('10.0.1.0/24')], policyDocument: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'dsql:DbConnect', Resource: '*' }] } });
    const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true } });
    cluster.addPrivateLinkEndpoint('Private', { vpc: vpc(s, 'Vpc2'), privateDnsEnabled: false });
    new ec2.InterfaceVpcEndpoint(s, 'Management', { vpc: vpc(s, 'Vpc3'), service: ec2.InterfaceVpcEndpointAwsService.DSQL_MANAGEMENT, open: false });
    expect(findingsOf(s, 'DSQL-E5')).toEqual([]);
  });
});

describe('DSQL-E4 endpoint ingress on another port than the service\'s', () => {
  test('non-compliant: the naive InterfaceVpcEndpoint (InterfaceVpcEndpointService defaults to 443)', () => {
    const s = checkedStack();
    naiveEndpoint(s);
    const found = findingsOf(s, 'DSQL-E4');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Naive/Resource' })]);
    expect(found[0].message).toMatch(/on tcp 443, not tcp 5432/);
  });

  test.each<[string, L1EndpointOptions, RegExp]>([
    ['all TCP ports', { inline: [{ ipProtocol: 'tcp', fromPort: 0, toPort: 65535, cidrIp: '10.0.1.0/24' }] }, /tcp 0-65535/],
    ['all traffic', { separate: [{ ipProtocol: '-1', sourceSecurityGroupId: 'sg-0123456789abcdef0' }] }, /all traffic/],
    ['5432 on the management endpoint', { serviceName: 'com.amazonaws.us-east-1.dsql', inline: [tcp('10.0.1.0/24')], policyDocument: { Statement: [] } },
      /not tcp 443/],
  ])('non-compliant: %s', (_name, o, detail) => {
    const s = checkedStack();
    l1Endpoint(s, o);
    const found = findingsOf(s, 'DSQL-E4');
    expect(found).toEqual([expect.objectContaining({ path: '/Stack/Endpoint' })]);
    expect(found[0].message).toMatch(detail);
  });

  test('non-compliant: a DsqlPrivateLinkEndpoint client admitted on every TCP port through connections', () => {
    const s = checkedStack();
    const v = vpc(s);
    const cluster = new SecureDsqlCluster(s, 'Db');
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: v });
    const client = new ec2.SecurityGroup(s, 'Client', { vpc: v });
    endpoint.connections.allowFrom(client, ec2.Port.allTcp());
    expect(findingsOf(s, 'DSQL-E4')).toEqual([expect.objectContaining({ path: '/Stack/Db/Private/Resource/Resource' })]);
  });

  test.each<[string, L1EndpointOptions]>([
    ['TCP 5432 on the connection endpoint', { inline: [tcp('10.0.1.0/24')] }],
    ['TCP 443 on the management endpoint', { serviceName: 'com.amazonaws.us-east-1.dsql', inline: [tcp('10.0.1.0/24', 443)], policyDocument: { Statement: [] } }],
  ])('compliant: %s', (_name, o) => {
    const s = checkedStack();
    l1Endpoint(s, o);
    expect(findingsOf(s, 'DSQL-E4')).toEqual([]);
  });
});

describe('DSQL-M1 management endpoint whose policy allows write actions to everyone', () => {
  function managementEndpoint(s: Stack): ec2.InterfaceVpcEndpoint {
    const v = vpc(s);
    return new ec2.InterfaceVpcEndpoint(s, 'Management', {
      vpc: v,
      service: ec2.InterfaceVpcEndpointAwsService.DSQL_MANAGEMENT,
      open: false,
      securityGroups: [new ec2.SecurityGroup(s, 'Sg', { vpc: v })],
    });
  }

  test('non-compliant: no endpoint policy (the default policy allows everything)', () => {
    const s = checkedStack();
    managementEndpoint(s);
    const found = findingsOf(s, 'DSQL-M1');
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Management/Resource' })]);
    expect(found[0].message).toMatch(/no PolicyDocument/);
  });

  test.each<[string, iam.PolicyStatement]>([
    ['dsql:* to *', new iam.PolicyStatement({ principals: [new iam.StarPrincipal()], actions: ['dsql:*'], resources: ['*'] })],
    ['DeleteCluster to AWS *', new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['dsql:DeleteCluster'], resources: ['*'] })],
    ['a write action restricted by a negated principal condition', new iam.PolicyStatement({
      principals: [new iam.StarPrincipal()],
      actions: ['dsql:UpdateCluster'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } },
    })],
  ])('non-compliant: %s', (_name, statement) => {
    const s = checkedStack();
    managementEndpoint(s).addToPolicy(statement);
    expect(findingsOf(s, 'DSQL-M1')).toEqual([expect.objectContaining({ path: '/Stack/Management/Resource' })]);
  });

  test.each<[string, iam.PolicyStatement]>([
    ['write actions for principals of this account', new iam.PolicyStatement({
      principals: [new iam.StarPrincipal()],
      actions: ['dsql:*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } },
    })],
    ['read actions to *', new iam.PolicyStatement({ principals: [new iam.StarPrincipal()], actions: ['dsql:GetCluster', 'dsql:List*'], resources: ['*'] })],
  ])('compliant: %s', (_name, statement) => {
    const s = checkedStack();
    managementEndpoint(s).addToPolicy(statement);
    expect(findingsOf(s, 'DSQL-M1')).toEqual([]);
  });

  test('compliant: DsqlPrivateLinkEndpoint managementEndpoint (read-only, this account only)', () => {
    const s = checkedStack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    cluster.addPrivateLinkEndpoint('Private', { vpc: vpc(s), managementEndpoint: true, managementActions: ['dsql:GetCluster', 'dsql:UpdateCluster'] });
    expect(findingsOf(s, 'DSQL-M1')).toEqual([]);
  });
});
