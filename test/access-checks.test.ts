/**
 * The synth-time checks of the whole-app access model: each error fails synth with a message that names
 * the construct paths, the layer and the fix; each warning has an id that acknowledges it; and the report
 * files are written into the cloud assembly directory unless the context key turns them off.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Annotations as CoreAnnotations, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DsqlConnectPolicy, DsqlDatabaseRole, DsqlPrivateLinkEndpoint, SecureDsqlCluster } from '../src';
import { synthReport } from './support/access';
import { ENV } from './support/iam-eval';

function setup(context?: Record<string, unknown>) {
  const app = new App({ context });
  const stack = new Stack(app, 'S', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    subnetConfiguration: ['app', 'endpoint'].map((name) => ({ name, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 })),
  });
  return { app, stack, vpc };
}

function fn(stack: Stack, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), ...props,
  });
}

/** The synth error, as one string. */
function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synth did not fail');
}

describe('errors: the deployment would fail, or a restriction is no restriction', () => {
  test('the database-role handler in isolated subnets, with no endpoint and no NAT gateway', () => {
    const { app, stack, vpc } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db');
    new DsqlDatabaseRole(stack, 'Reader', { cluster, roleName: 'reader', vpc });
    const message = synthError(app);
    expect(message).toMatch(/S\/Reader: handler cannot reach cluster S\/Db on the one route it uses, the cluster's public host name \(placement: S\/DsqlDatabaseRoleHandler[0-9A-F]+\/Handler runs in S\/Vpc\/appSubnet1, which has no default route through a NAT gateway/);
    expect(message).toMatch(/so the deployment would fail when the custom resource connects \(got \["internet: denied by placement"\]\)\. Layer: placement\. The handler S\/DsqlDatabaseRoleHandler[0-9A-F]+\/Handler must connect as admin/);
  });

  test('…and not when it runs where it can connect: behind a NAT gateway, or next to the endpoint', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const natVpc = new ec2.Vpc(stack, 'Nat', { maxAzs: 1, natGateways: 1 });
    const cluster = new SecureDsqlCluster(stack, 'Db');
    new DsqlDatabaseRole(stack, 'Public', { cluster, roleName: 'a', vpc: natVpc });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: natVpc });
    new DsqlDatabaseRole(stack, 'Private', { cluster, roleName: 'b', endpoint });
    const report = synthReport(app);
    const handlers = report.clusters[0].clients.filter((c) => c.kinds.includes('database-role-handler'));
    expect(handlers.map((h) => h.routes.some((r) => r.allowed))).toEqual([true, true]);
  });

  test('the handler behind an endpoint whose network ACL does not admit the handler\'s subnets', () => {
    const { app, stack, vpc } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', {
      vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, networkAcl: { allowedCidrs: ['10.0.200.0/24'] },
    });
    cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint, vpcSubnets: { subnetGroupName: 'app' } });
    const message = synthError(app);
    expect(message).toMatch(/S\/Db\/Reader: handler cannot reach cluster S\/Db on the one route it uses, the private host name of S\/Db\/Private .*network-acl: S\/Db\/Private\/NetworkAcl on S\/Vpc\/endpointSubnet1 drops the connection from S\/DsqlDatabaseRoleHandler[0-9A-F]+\/Handler/);
    expect(message).toMatch(/Layer: network-acl\./);
    expect(message).toMatch(/network-acl: admit its subnets in the network ACL in both directions/);
  });

  test('the handler is judged on the host it connects to: in isolated subnets without endpoint, while an endpoint in its VPC would admit it', () => {
    const { app, stack, vpc } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db');
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc, vpcSubnets: { subnetGroupName: 'endpoint' } }) as DsqlPrivateLinkEndpoint;
    endpoint.allowFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock));
    cluster.addDatabaseRole('Reader', { roleName: 'reader', vpc, vpcSubnets: { subnetGroupName: 'app' } });
    const message = synthError(app);
    expect(message).toMatch(/S\/Db\/Reader: handler cannot reach cluster S\/Db on the one route it uses, the cluster's public host name .*no default route through a NAT gateway/);
    expect(message).toMatch(/\(got \["internet: denied by placement","S\/Db\/Private: allowed"\]\)\. Layer: placement\..* Or give endpoint: S\/Db\/Private \(cluster\.addDatabaseRole\(\.\.\., \{ endpoint \}\)\)/);
  });

  test('…whose endpoint route the cluster policy denies (sourceIps only), although its internet route is merely unknown', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const natVpc = new ec2.Vpc(stack, 'Nat', { maxAzs: 1, natGateways: 1 });
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { sourceIps: ['203.0.113.0/24'] } });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: natVpc });
    cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint });
    const message = synthError(app);
    expect(message).toMatch(/S\/Db\/Reader: handler cannot reach cluster S\/Db on the one route it uses, the private host name of S\/Db\/Private \(cluster-policy: S\/Db#DenyUntrustedNetworkOrigin deny dsql:DbConnectAdmin through S\/Db\/Private\).*Layer: cluster-policy\./);
  });

  test('…and when the model cannot decide its route: a warning that names the layer and the fix (outside any VPC, a cluster that admits listed IP blocks only)', () => {
    const { stack } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { sourceIps: ['203.0.113.0/24'] } });
    cluster.addDatabaseRole('Reader', { roleName: 'reader' });
    Annotations.fromStack(stack).hasWarning('/S/Db/Reader', Match.stringLikeRegexp(
      'The database-role handler S/DsqlDatabaseRoleHandler[0-9A-F]+/Handler of S/Db/Reader connects to the cluster\'s public host name of cluster S/Db, and whether it gets through is not known at synth \\(layers: cluster-policy\\).*Fix: cluster-policy: .*\\[ack: secure-dsql:handler-route-unknown\\]'));
    // Control: on a cluster without network conditions, the same handler gets through: no warning.
    const control = setup();
    new SecureDsqlCluster(control.stack, 'Db').addDatabaseRole('Reader', { roleName: 'reader' });
    Annotations.fromStack(control.stack).hasNoWarning('*', Match.stringLikeRegexp('handler-route-unknown'));
    Annotations.fromStack(control.stack).hasNoError('*', Match.anyValue());
  });

  test('by default the handler is kept off the subnets of the endpoint\'s network ACL, whose stateless rules would drop its traffic', () => {
    const { app, stack, vpc } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, networkAcl: { allowedCidrs: ['10.0.0.0/16'] } });
    cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint });
    const report = synthReport(app);
    const handler = report.clusters[0].clients.find((c) => c.kinds.includes('database-role-handler'))!;
    expect(handler.routes.find((r) => r.via === 'S/Db/Private')!.allowed).toBe(true);
    expect(report.findings.filter((f) => /handler/.test(f.id))).toEqual([]);
    // Placed on the endpoint's subnets (as the default selection would), its route is not decided: a warning.
    const onAcl = setup();
    const other = new SecureDsqlCluster(onAcl.stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const e = other.addPrivateLinkEndpoint('Private', { vpc: onAcl.vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, networkAcl: { allowedCidrs: ['10.0.0.0/16'] } });
    other.addDatabaseRole('Reader', { roleName: 'reader', endpoint: e, vpcSubnets: { subnetGroupName: 'endpoint' } });
    expect(synthReport(onAcl.app).findings.map((f) => f.id)).toContain('secure-dsql:handler-route-unknown');
  });

  test('source IPs that together admit every IPv4 address, in the cluster policy', () => {
    const { app, stack } = setup();
    new SecureDsqlCluster(stack, 'Db', { connectConditions: { sourceIps: ['0.0.0.0/1', '128.0.0.0/1'] } });
    expect(synthError(app)).toMatch(/S\/Db: S\/Db statement DenyUntrustedNetworkOrigin aws:SourceIp lists blocks that together admit every IPv4 address, which is no restriction at all \(got \["0\.0\.0\.0\/1","128\.0\.0\.0\/1"\]\)\. Layer: cluster-policy\./);
  });

  test('…and every IPv6 address, in a connect policy', () => {
    const { app, stack } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db');
    new DsqlConnectPolicy(stack, 'Connect', { clusters: [cluster], conditions: { sourceIps: ['::/1', '8000::/1'] } });
    expect(synthError(app)).toMatch(/S\/Connect\/Resource: .* aws:SourceIp lists blocks that together admit every IPv6 address.*Layer: identity\./);
  });

  test('a Deny with IpAddress over every address is a restriction (it denies every public connection), an Allow with IpAddress over every address is none', () => {
    const deny = setup();
    const cluster = new SecureDsqlCluster(deny.stack, 'Db');
    cluster.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'NoPublic', effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['dsql:DbConnect', 'dsql:DbConnectAdmin'], resources: ['*'],
      conditions: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/0', '::/0'] } },
    }));
    const f = fn(deny.stack, 'Client');
    cluster.grantConnect(f);
    const report = synthReport(deny.app);
    expect(report.findings.filter((x) => x.level === 'error')).toEqual([]);
    const route = report.clusters[0].clients[0].routes.find((r) => r.via === 'internet')!;
    expect(route.deniedBy).toEqual(['cluster-policy']);

    const allow = setup();
    const other = new SecureDsqlCluster(allow.stack, 'Db');
    const g = fn(allow.stack, 'Client');
    g.addToRolePolicy(new iam.PolicyStatement({
      sid: 'Anywhere', actions: ['dsql:DbConnect'], resources: [other.clusterArn], conditions: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/0'] } },
    }));
    expect(synthError(allow.app)).toMatch(/statement Anywhere aws:SourceIp lists blocks that together admit every IPv4 address, which is no restriction at all.*Layer: identity\./);
  });

  test('two network ACLs claimed for the same subnets', () => {
    const { app, stack, vpc } = setup();
    for (const id of ['A', 'B']) {
      new SecureDsqlCluster(stack, id).addPrivateLinkEndpoint('Private', {
        vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, networkAcl: { allowedCidrs: ['10.0.0.0/24'] },
      });
    }
    expect(synthError(app)).toMatch(/S\/Vpc\/endpointSubnet1: network ACL is claimed by 2 network ACLs .*one association silently replaces the other .*\(got \["S\/A\/Private\/NetworkAcl","S\/B\/Private\/NetworkAcl"\]\)\. Layer: network-acl\. Give each endpoint/);
  });

  test('a resource-policy statement that grants to everyone but one principal', () => {
    const { app, stack } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db');
    cluster.cfnCluster.policyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AllButOne', Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/x' }, Action: 'dsql:DbConnect', Resource: '*' }],
    });
    expect(synthError(app)).toMatch(/S\/Db: resource policy S\/Db statement AllButOne grants to everyone but the listed principals .*Layer: cluster-policy\./);
  });

  test('a Deny with NotPrincipal naming a role is refused with the ArnNotEquals aws:PrincipalArn form; that form is accepted', () => {
    const notPrincipal = setup();
    const cluster = new SecureDsqlCluster(notPrincipal.stack, 'Db');
    cluster.cfnCluster.policyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'OnlyApp', Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/app' }, Action: 'dsql:*', Resource: '*' }],
    });
    expect(synthError(notPrincipal.app)).toMatch(/S\/Db: resource policy S\/Db statement OnlyApp exempts principals by the ARN they sign with, but a role signs as its assumed-role session .*\(got "Deny with NotPrincipal"\)\. Layer: cluster-policy\. Deny to Principal "\*" with the exceptions in a condition instead: .*ArnNotEquals.*aws:PrincipalArn/);

    const condition = setup();
    const other = new SecureDsqlCluster(condition.stack, 'Db');
    other.cfnCluster.policyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'OnlyApp', Effect: 'Deny', Principal: '*', Action: 'dsql:*', Resource: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/app' } } }],
    });
    expect(synthReport(condition.app).findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  test('a principal allow-list that names principals of another account only locks everyone out; one that names this account\'s roles is fine', () => {
    const other = setup();
    new SecureDsqlCluster(other.stack, 'Db', { connectConditions: { principalArns: ['arn:aws:iam::999999999999:role/app', 'arn:aws:iam::888888888888:role/*'] } });
    expect(synthError(other.app)).toMatch(/S\/Db: resource policy S\/Db statement DenyUnlistedPrincipals aws:PrincipalArn admits principals of accounts 999999999999, 888888888888 only, but Aurora DSQL admits principals of the cluster's own account \(123456789012\) only: every connection would be denied .*Layer: cluster-policy\./);
    const same = setup();
    new SecureDsqlCluster(same.stack, 'Db', { connectConditions: { principalArns: ['arn:aws:iam::999999999999:role/app', 'arn:aws:iam::123456789012:role/app'] } });
    expect(synthReport(same.app).findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  test('a resource-policy statement that grants to another account', () => {
    const { app, stack } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db');
    cluster.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'Partner', principals: [new iam.ArnPrincipal('arn:aws:iam::999999999999:role/partner')], actions: ['dsql:DbConnect'], resources: ['*'],
    }));
    expect(synthError(app)).toMatch(/S\/Db: resource policy S\/Db statement Partner Principal names account 999999999999, but Aurora DSQL resource-based policies admit principals of the cluster's own account \(123456789012\) only/);
  });

  test('a resource-policy statement that DSQL block public access would reject, and one it accepts', () => {
    const public_ = setup();
    const cluster = new SecureDsqlCluster(public_.stack, 'Db');
    const statement = (condition: Record<string, unknown>) => JSON.stringify({
      Version: '2012-10-17', Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 'dsql:DbConnect', Resource: '*', Condition: condition }],
    });
    cluster.cfnCluster.policyDocument = statement({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } });
    expect(synthError(public_.app)).toMatch(/S\/Db: resource policy S\/Db statement Everyone grants to every principal without a condition on a trusted key .*block public access rejects at deploy time/);

    const restricted = setup();
    const ok = new SecureDsqlCluster(restricted.stack, 'Db');
    ok.cfnCluster.policyDocument = statement({ StringEquals: { 'aws:SourceVpc': 'vpc-0123456789abcdef0' } });
    expect(() => restricted.app.synth()).not.toThrow();
  });

  test('a removal policy AWS::DSQL::Cluster does not support', () => {
    const { app, stack } = setup();
    new SecureDsqlCluster(stack, 'Db', { removalPolicy: RemovalPolicy.SNAPSHOT });
    expect(synthError(app)).toMatch(/S\/Db: removalPolicy \(DeletionPolicy\) is not supported by AWS::DSQL::Cluster.*\(got "Snapshot"\)\. Layer: removal-policy\. Use RemovalPolicy\.RETAIN/);
  });

  test('the cluster\'s own endpoint in its own policy: the dependency cycle, and how to break it', () => {
    const { app, stack, vpc } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db');
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc });
    cluster.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['dsql:DbConnect'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:SourceVpce': endpoint.vpcEndpointId } },
    }));
    const message = synthError(app);
    expect(message).toMatch(/S\/Db: resource policy names the interface endpoint S\/Db\/Private, which itself is created from this cluster's service name: .*a cycle CloudFormation rejects/);
    expect(message).toMatch(/Trust the endpoint's VPC instead \(connectConditions\.sourceVpcIds: \[vpc\.vpcId\]\)/);
  });

  test('management-endpoint actions whose wildcards reach write actions, and read-only wildcards that pass', () => {
    const wide = setup();
    new SecureDsqlCluster(wide.stack, 'Db').addPrivateLinkEndpoint('Private', {
      vpc: wide.vpc, managementEndpoint: true, managementActions: ['dsql:Get*', 'dsql:*Cluster'],
    });
    expect(synthError(wide.app)).toMatch(/S\/Db\/Private\/ManagementEndpoint: managementActions .* is a wildcard that admits dsql:CreateCluster, dsql:DeleteCluster, dsql:UpdateCluster, dsql:AddPeerCluster, dsql:RemovePeerCluster through the management endpoint, not only reading \(got "dsql:\*Cluster"\)\. Layer: endpoint-policy\./);

    const readOnly = setup();
    new SecureDsqlCluster(readOnly.stack, 'Db').addPrivateLinkEndpoint('Private', {
      vpc: readOnly.vpc, managementEndpoint: true, managementActions: ['dsql:Get*', 'dsql:List*'],
    });
    expect(() => readOnly.app.synth()).not.toThrow();
  });

  test('an imported cluster whose host name is not a DSQL host name of that cluster', () => {
    const { stack } = setup();
    expect(() => SecureDsqlCluster.fromClusterAttributes(stack, 'Imported', {
      clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', clusterEndpoint: 'db.example.com',
    })).toThrow(/S\/Imported: clusterEndpoint is not a DSQL host name of cluster abcdefghijklmnopqrstuvwxyz in us-east-1/);
  });

  test('a security-group rule added anywhere in the app (L1 included) that opens the endpoint to the internet', () => {
    const { app, stack, vpc } = setup();
    const endpoint = new SecureDsqlCluster(stack, 'Db').addPrivateLinkEndpoint('Private', { vpc });
    new ec2.CfnSecurityGroupIngress(stack, 'Open', {
      groupId: endpoint.securityGroup.securityGroupId, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIp: '0.0.0.0/0',
    });
    expect(synthError(app)).toMatch(/S\/Open: ingress rule to S\/Db\/Private admits every address, which would open the endpoint to any network that can route to it .*\(got "0\.0\.0\.0\/0"\)\. Layer: security-group\./);
  });

  test('…reported once when the rule is on the endpoint\'s own group (the endpoint\'s validation reports it)', () => {
    const { app, stack, vpc } = setup();
    const endpoint = new SecureDsqlCluster(stack, 'Db').addPrivateLinkEndpoint('Private', { vpc });
    endpoint.securityGroup.addIngressRule(ec2.Peer.ipv4('198.51.100.0/24'), ec2.Port.tcp(5432));
    const message = synthError(app);
    expect(message.match(/198\.51\.100\.0\/24/g)).toHaveLength(1);
  });
});

describe('warnings, with an id to acknowledge', () => {
  test('a declared client that can never connect: outside any VPC while public access is blocked', () => {
    const { app, stack } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const outside = fn(stack, 'Outside');
    cluster.grantConnect(outside);
    cluster.addPrivateLinkEndpoint('Private', { vpc: stack.node.findChild('Vpc') as ec2.Vpc });
    Annotations.fromStack(stack).hasWarning('/S/Outside', Match.stringLikeRegexp(
      'S/Outside is declared to connect to S/Db \\(grantee, by S/Db\\) but cannot on any route: internet: denied by cluster-policy; S/Db/Private: denied by placement.*\\[ack: secure-dsql:client-cannot-connect\\]'));
    void app;
  });

  test('the fix a lock-out gives first is the layer that denies on the closest route: the endpoint\'s security group, not the cluster policy that blocks public access by design', () => {
    const { stack, vpc } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const notAdmitted = fn(stack, 'NotAdmitted', { vpc, vpcSubnets: { subnetGroupName: 'app' } });
    cluster.grantConnect(notAdmitted);
    cluster.addPrivateLinkEndpoint('Private', { vpc, vpcSubnets: { subnetGroupName: 'endpoint' } });
    Annotations.fromStack(stack).hasWarning('/S/NotAdmitted', Match.stringLikeRegexp(
      'cannot on any route: internet: denied by cluster-policy, placement; S/Db/Private: denied by security-group\\. .*Layers: security-group, cluster-policy, placement\\. Fix: security-group: admit it on the endpoint'));
  });

  test('…acknowledged on the client itself, it is gone', () => {
    const { stack } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const outside = fn(stack, 'Outside');
    cluster.grantConnect(outside);
    CoreAnnotations.of(outside).acknowledgeWarning('secure-dsql:client-cannot-connect', 'a migration job that runs elsewhere');
    Annotations.fromStack(stack).hasNoWarning('/S/Outside', Match.stringLikeRegexp('client-cannot-connect'));
  });

  test('…a client in a subnet whose network ACL drops the return traffic', () => {
    const { stack, vpc } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const client = fn(stack, 'Client', { vpc, vpcSubnets: { subnetGroupName: 'app' } });
    const acl = new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetGroupName: 'app' } });
    acl.addEntry('Out', { ruleNumber: 100, cidr: ec2.AclCidr.ipv4('10.0.0.0/16'), traffic: ec2.AclTraffic.tcpPort(5432), direction: ec2.TrafficDirection.EGRESS });
    cluster.addPrivateLinkEndpoint('Private', { vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [client] });
    cluster.grantConnect(client);
    Annotations.fromStack(stack).hasWarning('/S/Client', Match.stringLikeRegexp(
      'S/Db/Private: denied by network-acl.*S/AppAcl on S/Vpc/appSubnet1 drops the return traffic from S/Db/Private \\(inbound TCP ports 1024-65535.*Fix: .*network-acl: admit its subnets'));
  });

  test('…a connect policy whose own conditions exclude the (named) role it is attached to', () => {
    const { stack } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db');
    const role = new iam.Role(stack, 'App', { roleName: 'app', assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    fn(stack, 'Fn', { role });
    new DsqlConnectPolicy(stack, 'Connect', { clusters: [cluster], roles: [role], conditions: { principalArns: ['arn:aws:iam::123456789012:role/app-v2'] } });
    Annotations.fromStack(stack).hasWarning('/S/App', Match.stringLikeRegexp(
      'S/App is declared to connect to S/Db \\(connect-policy, by S/Connect\\) but cannot on any route: internet: denied by identity.*S/Connect/Resource#DenyUnlistedPrincipals'));
  });

  test('…a grantee the cluster\'s principal list excludes', () => {
    const { stack } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { principalArns: ['arn:aws:iam::123456789012:role/app'] } });
    const role = new iam.Role(stack, 'Other', { roleName: 'other', assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    fn(stack, 'Fn', { role });
    cluster.grantConnect(role);
    Annotations.fromStack(stack).hasWarning('/S/Other', Match.stringLikeRegexp('internet: denied by cluster-policy.*S/Db#DenyUnlistedPrincipals'));
  });

  test('the account root listed as a principal', () => {
    const { stack } = setup();
    new SecureDsqlCluster(stack, 'Db', { connectConditions: { principalArns: ['arn:aws:iam::123456789012:root'] } });
    Annotations.fromStack(stack).hasWarning('/S/Db', Match.stringLikeRegexp(
      'lists arn:aws:iam::123456789012:root under aws:PrincipalArn .*matches the account\'s root user only, never its roles or users.*\\[ack: secure-dsql:root-principal-arn\\]'));
  });

  test('a deploy-time value (a parameter) in a network allow-list', () => {
    const { stack } = setup();
    const vpcId = new CfnParameter(stack, 'TrustedVpc');
    new SecureDsqlCluster(stack, 'Db', { connectConditions: { sourceVpcIds: [vpcId.valueAsString] } });
    Annotations.fromStack(stack).hasWarning('/S/Db', Match.stringLikeRegexp(
      'tests aws:SourceVpc against a deploy-time value .*cannot check at synth.*\\[ack: secure-dsql:deploy-time-network-allow-list\\]'));
  });

  test('the library\'s own secure setups raise none of these warnings', () => {
    const { stack, vpc } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { blockPublicAccess: true, sourceVpcIds: [vpc.vpcId] } });
    const client = fn(stack, 'Client', { vpc, vpcSubnets: { subnetGroupName: 'app' } });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [client] });
    cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint }).grantConnect(client);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('secure-dsql:(client-cannot-connect|root-principal-arn|deploy-time-network-allow-list|access-model-failed)'));
    expect(warnings).toEqual([]);
  });
});

describe('the report', () => {
  test('dsql-access-report.json and .md are written into the cloud assembly directory, in the contract\'s shape', () => {
    const { app, stack, vpc } = setup();
    const cluster = new SecureDsqlCluster(stack, 'Db', { connectConditions: { blockPublicAccess: true } });
    const client = fn(stack, 'Client', { vpc, vpcSubnets: { subnetGroupName: 'app' } });
    cluster.addPrivateLinkEndpoint('Private', { vpc, vpcSubnets: { subnetGroupName: 'endpoint' }, allowedClients: [client] });
    cluster.grantConnect(client);
    const assembly = app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'dsql-access-report.json'), 'utf-8'));
    expect(json).toMatchObject({
      version: 1,
      clusters: [{
        path: 'S/Db',
        clients: [{
          path: 'S/Client',
          actions: ['dsql:DbConnect'],
          routes: [
            { via: 'internet', allowed: false, deniedBy: ['cluster-policy', 'placement'], unknown: false },
            { via: 'S/Db/Private', allowed: true, deniedBy: [], unknown: false },
          ],
        }],
      }],
    });
    expect(typeof json.stats.analysisMs).toBe('number');
    const md = fs.readFileSync(path.join(assembly.directory, 'dsql-access-report.md'), 'utf-8');
    expect(md).toContain('| `S/Client` (grantee) | dsql:DbConnect | VPC, 2 subnets | **denied** (cluster-policy, placement) | allowed |');
  });

  test('the context key secure-dsql:accessReport=false turns the files off, not the checks', () => {
    const { app, stack } = setup({ 'secure-dsql:accessReport': false });
    new SecureDsqlCluster(stack, 'Db', { removalPolicy: RemovalPolicy.SNAPSHOT });
    expect(() => app.synth()).toThrow(/not supported by AWS::DSQL::Cluster/);
    expect(fs.existsSync(path.join(app.outdir, 'dsql-access-report.json'))).toBe(false);
    expect(fs.existsSync(path.join(app.outdir, 'dsql-access-report.md'))).toBe(false);
  });

  test('an app without the library gets no report and no extra construct', () => {
    const app = new App();
    new Stack(app, 'Plain');
    const assembly = app.synth();
    expect(fs.existsSync(path.join(assembly.directory, 'dsql-access-report.json'))).toBe(false);
    expect(app.node.tryFindChild('SecureDsqlAccessModel')).toBeUndefined();
  });
});
