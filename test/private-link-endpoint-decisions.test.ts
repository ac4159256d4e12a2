/**
 * Decision tests through a DsqlPrivateLinkEndpoint, with the real IAM evaluator: the endpoint policy
 * (must allow and not deny) plus the cluster resource policy (blockPublicAccess) plus identity policies.
 * Each row names the layer that decides it; where an endpoint-policy denial is claimed, the same request
 * without the endpoint policy is shown to be allowed, so the denial is the endpoint's doing.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureDsqlCluster } from '../src';
import { DsqlPrivateLinkEndpoint } from '../src/private-link-endpoint';
import { ConnectRequest, Decision, ENV, ResolvedTemplate, decide } from './support/iam-eval';

interface Fixture {
  readonly app: string; // listed in allowedPrincipalArns, granted DbConnect on both clusters
  readonly ops: string; // matches the wildcard in allowedPrincipalArns, granted DbConnectAdmin on the served cluster
  readonly stranger: string; // granted DbConnect on the served cluster, NOT listed
  readonly served: string;
  readonly other: string; // a cluster the endpoint does not serve (no resource policy)
  readonly vpc: string;
  readonly vpce: string;
  run(principal: string, req: Omit<ConnectRequest, 'principal'>, withEndpointPolicy?: boolean): Promise<Decision>;
}

function fixture(allowedPrincipals: boolean): Fixture {
  const s = new Stack(new App(), 'Stack', { env: ENV });
  const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const served = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true } });
  const other = new SecureDsqlCluster(s, 'Other');
  const role = (id: string) => new iam.Role(s, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const app = role('App');
  const ops = role('Ops');
  const stranger = role('Stranger');
  served.grantConnect(app);
  other.grantConnect(app);
  served.grantConnectAdmin(ops);
  served.grantConnect(stranger);
  const ep = new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
    vpc,
    cluster: served,
    allowedPrincipalArns: allowedPrincipals ? [app.roleArn, `arn:aws:iam::${ENV.account}:role/Ops*`] : undefined,
  });

  const r = new ResolvedTemplate(s);
  const id = (c: any) => s.getLogicalId(c.node.defaultChild);
  const endpointId = s.getLogicalId(ep.endpoint.node.defaultChild as ec2.CfnVPCEndpoint);
  // role ARNs as the ResolvedTemplate fakes them: arn:aws:iam::<account>:role/<logical id>
  const roleIds: Record<string, string> = {};
  for (const x of [app, ops, stranger]) roleIds[r.roleArn(id(x))] = id(x);
  const clusterIds: Record<string, string> = { [r.clusterArn(id(served))]: id(served), [r.clusterArn(id(other))]: id(other) };
  return {
    app: r.roleArn(id(app)),
    ops: r.roleArn(id(ops)),
    stranger: r.roleArn(id(stranger)),
    served: r.clusterArn(id(served)),
    other: r.clusterArn(id(other)),
    vpc: r.ref(s.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC)),
    vpce: r.ref(endpointId),
    run(principal, req, withEndpointPolicy = true) {
      return decide({
        identityPolicies: r.identityPolicies(roleIds[principal]),
        resourcePolicy: r.clusterPolicy(clusterIds[req.resource]),
        endpointPolicy: withEndpointPolicy ? r.endpointPolicy(endpointId) : undefined,
      }, { ...req, principal });
    },
  };
}

describe('endpoint with allowedPrincipalArns, cluster with blockPublicAccess', () => {
  const f = fixture(true);
  const through = () => ({ sourceVpc: f.vpc, sourceVpce: f.vpce });
  const internet = { sourceIp: '198.51.100.7' };

  test.each<[string, () => Promise<Decision>, Decision]>([
    ['an allowed principal connects to the served cluster through the endpoint',
      () => f.run(f.app, { ...through(), resource: f.served }), 'Allowed'],
    ['a principal matching an ARN wildcard connects as admin through the endpoint',
      () => f.run(f.ops, { ...through(), resource: f.served, action: 'dsql:DbConnectAdmin' }), 'Allowed'],
    ['a granted principal that is not listed is denied by the endpoint policy',
      () => f.run(f.stranger, { ...through(), resource: f.served }), 'ExplicitlyDenied'],
    ['...and would be allowed without the endpoint policy (so the endpoint is what denies it)',
      () => f.run(f.stranger, { ...through(), resource: f.served }, false), 'Allowed'],
    ['a cluster the endpoint does not serve is not reachable through it',
      () => f.run(f.app, { ...through(), resource: f.other }), 'ImplicitlyDenied'],
    ['...although the identity policy allows it',
      () => f.run(f.app, { ...through(), resource: f.other }, false), 'Allowed'],
    ['the endpoint does not widen the identity policy (DbConnect does not give DbConnectAdmin)',
      () => f.run(f.app, { ...through(), resource: f.served, action: 'dsql:DbConnectAdmin' }), 'ImplicitlyDenied'],
    ['over the internet, the cluster\'s blockPublicAccess denies even an allowed principal',
      () => f.run(f.app, { ...internet, resource: f.served }), 'ExplicitlyDenied'],
    ['over the internet, an unprotected cluster is reachable (the block is the cluster\'s, not the endpoint\'s)',
      () => f.run(f.app, { ...internet, resource: f.other }), 'Allowed'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });
});

describe('endpoint without allowedPrincipalArns', () => {
  const f = fixture(false);
  const through = () => ({ sourceVpc: f.vpc, sourceVpce: f.vpce });

  test.each<[string, () => Promise<Decision>, Decision]>([
    ['any granted principal of the account connects through the endpoint', () => f.run(f.stranger, { ...through(), resource: f.served }), 'Allowed'],
    ['the served-cluster restriction still holds', () => f.run(f.app, { ...through(), resource: f.other }), 'ImplicitlyDenied'],
  ])('%s', async (_name, run, expected) => {
    expect(await run()).toBe(expected);
  });
});
