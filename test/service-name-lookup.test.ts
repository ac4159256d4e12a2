/**
 * Imported clusters without lookups (issue "Operate it", part 4): `fromClusterIdentifier(...).addPrivateLinkEndpoint`
 * reads the PrivateLink service name at deploy time with a custom resource that may only call
 * dsql:GetVpcEndpointServiceName on that cluster; tokens are never compared at synth.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DsqlPrivateLinkEndpoint, SecureDsqlCluster } from '../src';
import { findingsUnder, formatFindings, newApp, runNagPacks, stripAcknowledgements } from './compliance/harness';
import { ACCOUNT, ENV, ResolvedTemplate, decide } from './support/iam-eval';

const ID = 'abcdefghijklmnopqrstuvwxyz';
const OTHER = 'zyxwvutsrqponmlkjihgfedcba';
const SERVICE = 'com.amazonaws.us-east-1.dsql-a1b2c3';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}
function vpcOf(s: Stack): ec2.Vpc {
  return new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

describe('fromClusterIdentifier(...).addPrivateLinkEndpoint', () => {
  test('just works: the endpoint connects to the service name read at deploy time', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    expect(cluster.vpcEndpointServiceName).toBeUndefined();
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: vpcOf(s) });

    const t = Template.fromStack(s);
    const lookups = t.findResources('Custom::DsqlVpcEndpointServiceName');
    expect(Object.keys(lookups)).toHaveLength(1);
    const [lookupId, lookup] = Object.entries<any>(lookups)[0];
    expect(lookup.Properties).toMatchObject({ ClusterIdentifier: ID, Region: 'us-east-1' });
    const serviceName = { 'Fn::GetAtt': [lookupId, 'ServiceName'] };
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: serviceName, PrivateDnsEnabled: true });

    // The cluster reports the looked-up name from now on, and its private host name is derived from it.
    expect(s.resolve(cluster.vpcEndpointServiceName)).toEqual(serviceName);
    expect(cluster.clusterPrivateEndpoint).toBeDefined();
    // Evaluated with the value the lookup returns at deploy time, the host name is the cluster's private one.
    const withName = (value: unknown) =>
      JSON.parse(JSON.stringify(s.resolve(value)).split(JSON.stringify(serviceName)).join(JSON.stringify(SERVICE)));
    const r = new ResolvedTemplate(s);
    expect(r.resolve(withName(endpoint.hostName))).toBe(`${ID}.dsql-a1b2c3.us-east-1.on.aws`);
    expect(r.resolve(withName(cluster.clusterPrivateEndpoint))).toBe(`${ID}.dsql-a1b2c3.us-east-1.on.aws`);
  });

  test('the lookup function may read the service name of this cluster only, and nothing else', async () => {
    const s = stack();
    SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID).addPrivateLinkEndpoint('Private', { vpc: vpcOf(s) });
    const r = new ResolvedTemplate(s);
    const fnId = Object.entries<any>(r.resources).find(([, res]) => res.Type === 'AWS::Lambda::Function'
      && String(res.Properties.Description).includes('PrivateLink service name'))![0];
    const roleId = r.resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const policies = { identityPolicies: r.identityPolicies(roleId) };
    const ask = (action: string, resource: string) => decide(policies, { principal: r.roleArn(roleId), action, resource });
    const arn = `arn:aws:dsql:us-east-1:${ACCOUNT}:cluster/${ID}`;
    expect(await ask('dsql:GetVpcEndpointServiceName', arn)).toBe('Allowed');
    expect(await ask('dsql:GetVpcEndpointServiceName', `arn:aws:dsql:us-east-1:${ACCOUNT}:cluster/${OTHER}`)).toBe('ImplicitlyDenied');
    for (const action of ['dsql:GetCluster', 'dsql:UpdateCluster', 'dsql:DeleteCluster', 'dsql:DbConnectAdmin', 'dsql:PutClusterPolicy']) {
      expect(await ask(action, arn)).toBe('ImplicitlyDenied');
    }
  });

  test('one lookup per cluster, however many endpoints', () => {
    const s = stack();
    const vpc = vpcOf(s);
    const other = new ec2.Vpc(s, 'Other', { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'e', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    cluster.addPrivateLinkEndpoint('A', { vpc });
    cluster.addPrivateLinkEndpoint('B', { vpc: other });
    Template.fromStack(s).resourceCountIs('Custom::DsqlVpcEndpointServiceName', 1);
    Template.fromStack(s).resourceCountIs('AWS::EC2::VPCEndpoint', 2);
  });

  test('a given service name needs no lookup', () => {
    const s = stack();
    SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: ID, vpcEndpointServiceName: SERVICE })
      .addPrivateLinkEndpoint('Private', { vpc: vpcOf(s) });
    Template.fromStack(s).resourceCountIs('Custom::DsqlVpcEndpointServiceName', 0);
    Template.fromStack(s).hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: SERVICE });
  });

  test('sharing the endpoint is still refused: a looked-up name cannot be compared at synth', () => {
    const s = stack();
    const endpoint = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID).addPrivateLinkEndpoint('Private', { vpc: vpcOf(s) });
    const known = SecureDsqlCluster.fromClusterAttributes(s, 'Known', { clusterIdentifier: OTHER, vpcEndpointServiceName: SERVICE });
    expect(() => (endpoint as DsqlPrivateLinkEndpoint).addCluster(known))
      .toThrow(/Stack\/Db\/Private: addCluster\(cluster\) .* cannot be shown to equal the endpoint's service name <token> at synth time/);
    const unknown = SecureDsqlCluster.fromClusterIdentifier(s, 'Unknown', OTHER);
    expect(() => (endpoint as DsqlPrivateLinkEndpoint).addCluster(unknown)).toThrow(/addCluster\(cluster\) has no vpcEndpointServiceName/);
  });

  test('a cluster of another account cannot be looked up from this one: refused at synth with the fix', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: ID, account: '210987654321' });
    expect(() => cluster.addPrivateLinkEndpoint('Private', { vpc: vpcOf(s) }))
      .toThrow(/Stack\/Db\/VpcEndpointServiceName: vpcEndpointServiceName is not given and cannot be looked up: the cluster is in account 210987654321, the stack in 123456789012/);
  });

  test('a database role through the looked-up endpoint signs for the private host name', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc: vpcOf(s) });
    cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint, principalArns: [`arn:aws:iam::${ACCOUNT}:role/app`] });
    const role = Object.values<any>(Template.fromStack(s).findResources('Custom::DsqlDatabaseRole'))[0];
    expect(role.Properties.Endpoint).toEqual(s.resolve(endpoint.hostName));
  });
});

describe('compliance of the lookup', () => {
  function build(): { app: App; root: string } {
    const app = newApp();
    const s = new Stack(app, 'Stack', { env: ENV });
    SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID).addPrivateLinkEndpoint('Private', { vpc: vpcOf(s) });
    return { app, root: 'Stack/Db/VpcEndpointServiceName' };
  }

  test('zero unacknowledged cdk-nag findings on the lookup\'s resources, each acknowledgement needed', () => {
    const { app, root } = build();
    const nag = runNagPacks(app);
    expect(formatFindings(findingsUnder(nag.errors, [root]))).toBe('');
    expect(findingsUnder(nag.suppressed, [root]).length).toBeGreaterThan(0);

    const fresh = build();
    const removed = stripAcknowledgements(fresh.app, [fresh.root]);
    const found = new Set(runNagPacks(fresh.app).errors.map(f => `${f.path} ${f.ruleId}`));
    expect(removed.flatMap(r => r.nag.filter(id => !found.has(`${r.path} ${id}`)).map(id => `${id} on ${r.path}`))).toEqual([]);
  });
});
