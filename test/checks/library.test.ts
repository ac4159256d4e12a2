import { App, Aspects } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { checkedStack, dsqlFindings, vpc } from './support';
import { buildExampleApp } from '../../examples/app';
import {
  DsqlConnectPolicy, DsqlPrivatePathAdminPolicy, DsqlPrivatePathGuardrail, DsqlSecurityChecks, DsqlTablePrivilege, SecureDsqlCluster,
} from '../../src';
import { buildRepresentativeApp } from '../compliance/representative-app';

describe('the library\'s secure setups raise nothing', () => {
  test('the example app', () => {
    const app = new App();
    Aspects.of(app).add(new DsqlSecurityChecks());
    buildExampleApp(app);
    const stack = app.node.findChild('SecureDsqlExample') as any;
    expect(dsqlFindings(stack)).toEqual([]);
  });

  test('the representative app of the compliance tests: only its insecure canary is reported (so the checks can fail)', () => {
    const app = new App();
    Aspects.of(app).add(new DsqlSecurityChecks());
    const { stack, canary } = buildRepresentativeApp(app);
    const found = dsqlFindings(stack);
    const canaryPath = canary.node.path;
    expect(found.filter((f) => !f.path.startsWith(`/${canaryPath}/`))).toEqual([]);
    // The canary's administrator policy ("*" on "*") grants every connect action on every cluster.
    expect(found.map((f) => [f.path, f.message.slice(0, 9)])).toEqual(expect.arrayContaining([
      [`/${canaryPath}/AdminPolicy/Resource`, '[DSQL-I1]'],
      [`/${canaryPath}/AdminPolicy/Resource`, '[DSQL-I3]'],
    ]));
  });

  test('every construct with its secure settings, side by side', () => {
    const s = checkedStack();
    const v = vpc(s);
    const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
    const app = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const clients = new ec2.SecurityGroup(s, 'Clients', { vpc: v, allowAllOutbound: false });
    const cluster = new SecureDsqlCluster(s, 'Db', {
      encryptionKey: key,
      connectConditions: { sourceVpcIds: [v.vpcId], principalArns: ['arn:aws:iam::123456789012:role/*'] },
    });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', {
      vpc: v,
      allowedClients: [clients],
      allowedPrincipalArns: [app.roleArn],
      managementEndpoint: true,
      networkAcl: { allowedCidrs: ['10.0.0.0/24'] },
    });
    endpoint.allowFrom(ec2.Peer.ipv4('10.0.1.0/24'));
    new DsqlConnectPolicy(s, 'Connect', { clusters: [cluster], conditions: { sourceVpcEndpointIds: [endpoint.vpcEndpointId] }, roles: [app] });
    cluster.grantConnect(app);
    cluster.addDatabaseRole('Orders', {
      roleName: 'orders', principals: [app], endpoint, schemaPrivileges: [{ schema: 'public', tables: [DsqlTablePrivilege.SELECT] }],
    });
    new DsqlPrivatePathAdminPolicy(s, 'PathAdmin', { clusters: [cluster], vpcs: [v] });
    new DsqlPrivatePathGuardrail(s, 'PathGuard', { clusters: [cluster], adminPrincipalArns: ['arn:aws:iam::123456789012:role/admin'] });
    expect(dsqlFindings(s)).toEqual([]);
  });
});
