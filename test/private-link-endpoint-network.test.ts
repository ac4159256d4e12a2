/**
 * DsqlPrivateLinkEndpoint and the network around it: a prefix-list client, two private-DNS endpoints for one
 * service in one VPC (across the app), an endpoint placed in public subnets, and a network ACL that admits
 * the CIDR of a VPC created in the app.
 */
import { App, Annotations as CoreAnnotations, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecureDsqlCluster } from '../src';
import { DsqlPrivateLinkEndpoint } from '../src/private-link-endpoint';
import { ENV } from './support/iam-eval';

const SERVICE = 'com.amazonaws.us-east-1.dsql-a1b2c3';
const ID_A = 'abcdefghijklmnopqrstuvwxyz';
const ID_B = 'zyxwvutsrqponmlkjihgfedcba';

function stack(app = new App(), id = 'Stack'): Stack {
  return new Stack(app, id, { env: ENV });
}
function vpcOf(s: Stack, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(s, id, {
    natGateways: 0,
    maxAzs: 2,
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}
function imported(s: Stack, id: string, clusterIdentifier = ID_A) {
  return SecureDsqlCluster.fromClusterAttributes(s, id, { clusterIdentifier, vpcEndpointServiceName: SERVICE });
}

describe('a client given as a prefix list', () => {
  test('is admitted with a warning that says how to acknowledge it', () => {
    const s = stack();
    const vpc = vpcOf(s);
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: imported(s, 'Db'), allowedClients: [ec2.Peer.prefixList('pl-0123456789abcdef0')] });
    Annotations.fromStack(s).hasWarning('/Stack/Endpoint', Match.stringLikeRegexp(
      'allowedClients: prefix list pl-0123456789abcdef0 admits whatever blocks it holds.*acknowledgeWarning\\(\'secure-dsql:prefix-list-client\''));
    Template.fromStack(s).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourcePrefixListId: 'pl-0123456789abcdef0', FromPort: 5432 });
  });

  test('acknowledged, the warning is gone; allowFrom warns too', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: imported(s, 'Db') });
    ep.allowFrom(ec2.Peer.prefixList('pl-0123456789abcdef0'));
    Annotations.fromStack(s).hasWarning('/Stack/Endpoint', Match.stringLikeRegexp('allowFrom\\(client\\): prefix list'));
    const s2 = stack();
    const ep2 = new DsqlPrivateLinkEndpoint(s2, 'Endpoint', { vpc: vpcOf(s2), cluster: imported(s2, 'Db') });
    ep2.allowFrom(ec2.Peer.prefixList('pl-0123456789abcdef0'));
    CoreAnnotations.of(ep2).acknowledgeWarning('secure-dsql:prefix-list-client', 'holds our private ranges only');
    Annotations.fromStack(s2).hasNoWarning('/Stack/Endpoint', Match.anyValue());
  });

  test('control: a security group or a private CIDR client gets no warning', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const sg = new ec2.SecurityGroup(s, 'Clients', { vpc });
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: imported(s, 'Db'), allowedClients: [sg, ec2.Peer.ipv4('10.2.0.0/16')] });
    Annotations.fromStack(s).hasNoWarning('/Stack/Endpoint', Match.anyValue());
  });
});

describe('two private-DNS endpoints for one service in one VPC', () => {
  const conflict = /privateDnsEnabled is on, but Stack\/(Second|Endpoint)\/Resource is an endpoint with private DNS for the same service in the same VPC: EC2 refuses the second one.*conflicting DNS domain.*addCluster/;

  test('two endpoints of the library fail at synth', () => {
    const s = stack();
    const vpc = vpcOf(s);
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: imported(s, 'A') });
    new DsqlPrivateLinkEndpoint(s, 'Second', { vpc, cluster: imported(s, 'B', ID_B) });
    expect(() => Template.fromStack(s)).toThrow(conflict);
  });

  test('so do the library\'s endpoint and a hand-made InterfaceVpcEndpoint with private DNS for the same service (a created cluster\'s token too)', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const cluster = new SecureDsqlCluster(s, 'Db');
    cluster.addPrivateLinkEndpoint('Endpoint', { vpc });
    new ec2.InterfaceVpcEndpoint(s, 'Manual', { vpc, service: new ec2.InterfaceVpcEndpointService(cluster.vpcEndpointServiceName!, 5432), privateDnsEnabled: true });
    expect(() => Template.fromStack(s)).toThrow(/privateDnsEnabled is on, but Stack\/Manual is an endpoint with private DNS/);
  });

  test('across stacks of the app, for one VPC imported in both', () => {
    const app = new App();
    const [s1, s2] = [stack(app, 'One'), stack(app, 'Two')];
    for (const s of [s1, s2]) {
      const vpc = ec2.Vpc.fromVpcAttributes(s, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'], isolatedSubnetIds: ['subnet-0123456789abcdef0'],
      });
      new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: imported(s, 'Db') });
    }
    expect(() => app.synth()).toThrow(/One\/Endpoint: privateDnsEnabled is on, but Two\/Endpoint\/Resource is an endpoint/);
  });

  test('control: other VPCs, private DNS off on one, or one endpoint serving both clusters synthesize', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: imported(s, 'A') });
    ep.addCluster(imported(s, 'B', ID_B));
    new DsqlPrivateLinkEndpoint(s, 'Other', { vpc: vpcOf(s, 'Vpc2'), cluster: imported(s, 'C') });
    new DsqlPrivateLinkEndpoint(s, 'NoDns', { vpc, cluster: imported(s, 'D'), privateDnsEnabled: false });
    expect(() => Template.fromStack(s)).not.toThrow();
  });
});

describe('two private-DNS endpoints in one VPC whose service names cannot be compared at synth', () => {
  const mayConflict = (other: string) => Match.stringLikeRegexp(
    `privateDnsEnabled is on, and so it is on Stack/${other} in the same VPC.*not per cluster.*conflicting DNS domain.*secure-dsql:private-dns-may-conflict`);

  test('two clusters created in the app, each with its endpoint in one VPC: both endpoints warn, naming the other', () => {
    const s = stack();
    const vpc = vpcOf(s);
    new SecureDsqlCluster(s, 'A').addPrivateLinkEndpoint('EndpointA', { vpc });
    new SecureDsqlCluster(s, 'B').addPrivateLinkEndpoint('EndpointB', { vpc });
    const annotations = Annotations.fromStack(s);
    annotations.hasWarning('/Stack/A/EndpointA', mayConflict('B/EndpointB/Resource'));
    annotations.hasWarning('/Stack/B/EndpointB', mayConflict('A/EndpointA/Resource'));
  });

  test('a created cluster\'s endpoint and an imported cluster\'s (a literal service name) in one VPC warn too', () => {
    const s = stack();
    const vpc = vpcOf(s);
    new SecureDsqlCluster(s, 'A').addPrivateLinkEndpoint('EndpointA', { vpc });
    new DsqlPrivateLinkEndpoint(s, 'Imported', { vpc, cluster: imported(s, 'B', ID_B) });
    Annotations.fromStack(s).hasWarning('/Stack/Imported', mayConflict('A/EndpointA/Resource'));
  });

  test('control: other VPCs, private DNS off on one, two literal service names (compared: an error when equal), and other services', () => {
    const s = stack();
    const vpc = vpcOf(s);
    new SecureDsqlCluster(s, 'A').addPrivateLinkEndpoint('EndpointA', { vpc });
    new SecureDsqlCluster(s, 'B').addPrivateLinkEndpoint('EndpointB', { vpc: vpcOf(s, 'Vpc2') });
    new SecureDsqlCluster(s, 'C').addPrivateLinkEndpoint('EndpointC', { vpc, privateDnsEnabled: false });
    vpc.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS, privateDnsEnabled: true });
    const annotations = Annotations.fromStack(s);
    for (const id of ['A/EndpointA', 'B/EndpointB']) annotations.hasNoWarning(`/Stack/${id}`, Match.stringLikeRegexp('private-dns-may-conflict'));
  });

  test('with many, the message names three and counts the rest', () => {
    const s = stack();
    const vpc = vpcOf(s);
    for (const id of ['A', 'B', 'C', 'D', 'E']) new SecureDsqlCluster(s, id).addPrivateLinkEndpoint('Endpoint', { vpc });
    Annotations.fromStack(s).hasWarning('/Stack/A/Endpoint', Match.stringLikeRegexp(
      'so it is on Stack/B/Endpoint/Resource, Stack/C/Endpoint/Resource, Stack/D/Endpoint/Resource and 1 more in the same VPC'));
  });

  test('acknowledged on the endpoint, it is gone', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const a = new SecureDsqlCluster(s, 'A').addPrivateLinkEndpoint('EndpointA', { vpc });
    const b = new SecureDsqlCluster(s, 'B').addPrivateLinkEndpoint('EndpointB', { vpc });
    for (const e of [a, b]) CoreAnnotations.of(e).acknowledgeWarning('secure-dsql:private-dns-may-conflict', 'the clusters have different service names');
    const annotations = Annotations.fromStack(s);
    for (const id of ['A/EndpointA', 'B/EndpointB']) annotations.hasNoWarning(`/Stack/${id}`, Match.stringLikeRegexp('private-dns-may-conflict'));
  });
});

describe('subnets', () => {
  test('an endpoint placed explicitly in public subnets is accepted with a warning', () => {
    const s = stack();
    const vpc = vpcOf(s);
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: imported(s, 'Db'), vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    Annotations.fromStack(s).hasWarning('/Stack/Endpoint', Match.stringLikeRegexp(
      'vpcSubnets selects public subnets \\(Stack/Vpc/publicSubnet1, Stack/Vpc/publicSubnet2\\).*secure-dsql:endpoint-public-subnet'));
  });

  test('control: the default and an explicit isolated selection get no warning', () => {
    const s = stack();
    const vpc = vpcOf(s);
    new DsqlPrivateLinkEndpoint(s, 'Default', { vpc, cluster: imported(s, 'A'), privateDnsEnabled: false });
    new DsqlPrivateLinkEndpoint(s, 'Isolated', { vpc, cluster: imported(s, 'B'), vpcSubnets: { subnetGroupName: 'endpoints' } });
    Annotations.fromStack(s).hasNoWarning('/Stack/Isolated', Match.anyValue());
    Annotations.fromStack(s).hasNoWarning('/Stack/Default', Match.stringLikeRegexp('public subnets'));
  });
});

describe('networkAcl.allowedCidrs', () => {
  test('accepts the vpcCidrBlock of a VPC created in the app (its CIDR is known)', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const clients = vpcOf(s, 'Clients');
    (clients.node.defaultChild as ec2.CfnVPC).cidrBlock = '10.2.0.0/16';
    new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: imported(s, 'Db'), networkAcl: { allowedCidrs: [vpc.vpcCidrBlock, clients.vpcCidrBlock] } });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::EC2::NetworkAclEntry', { CidrBlock: '10.1.0.0/16', RuleAction: 'allow', PortRange: { From: 5432, To: 5432 } });
    t.hasResourceProperties('AWS::EC2::NetworkAclEntry', { CidrBlock: '10.2.0.0/16', RuleAction: 'allow', PortRange: { From: 5432, To: 5432 } });
  });

  test('control: a token the app does not know is still refused', () => {
    const s = stack();
    const vpc = vpcOf(s);
    expect(() => new DsqlPrivateLinkEndpoint(s, 'Endpoint', { vpc, cluster: imported(s, 'Db'), networkAcl: { allowedCidrs: [Fn.importValue('ClientCidr')] } }))
      .toThrow(/networkAcl\.allowedCidrs is a token whose value the app does not know/);
  });
});
