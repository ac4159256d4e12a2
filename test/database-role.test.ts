import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DsqlPrivateLinkEndpoint, IDsqlCluster, SecureDsqlCluster, DsqlDatabaseRole, DsqlDatabaseRoleProps, DsqlTablePrivilege, IDsqlConnectionEndpoint } from '../src';
import { decide, ENV, ResolvedTemplate } from './support/iam-eval';
import { parseProperties } from '../src/handlers/database-role/properties';
import { applyMismatches, parseTrustedConfig, TRUST_ENV } from '../src/handlers/database-role/trust';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

/** A stand-in for DsqlPrivateLinkEndpoint: a security group on 5432 in a VPC, and the private host name. */
class TestEndpoint extends Construct implements IDsqlConnectionEndpoint {
  public readonly connections: ec2.Connections;
  public readonly securityGroup: ec2.SecurityGroup;
  constructor(scope: Construct, id: string, public readonly vpc: ec2.IVpc) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc, allowAllOutbound: false });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(5432) });
  }
  public hostNameFor(cluster: IDsqlCluster): string {
    return cluster.clusterPrivateEndpoint!;
  }
}

const TYPE = 'Custom::DsqlDatabaseRole';

/** Logical id of the handler function (the one whose description names the database role). */
function handlerIds(r: ResolvedTemplate): { fn: string; role: string } {
  const fns = r.logicalIdsOfType('AWS::Lambda::Function')
    .filter((id) => String(r.resources[id].Properties.Description ?? '').includes('Aurora DSQL database role'));
  expect(fns).toHaveLength(1);
  const role = r.resources[fns[0]].Properties.Role['Fn::GetAtt'][0];
  return { fn: fns[0], role };
}

/** Every permission of a role: its inline/attached statements, and the names of its AWS managed policies. */
function permissions(r: ResolvedTemplate, roleId: string): { statements: any[]; managed: string[] } {
  const statements = r.identityPolicies(roleId).flatMap((p) => p.policy.Statement);
  const managed = (r.json.Resources[roleId].Properties.ManagedPolicyArns ?? []).map((a: string) => a.replace(/^arn:aws:iam::aws:policy\//, ''));
  return { statements, managed };
}

describe('DsqlDatabaseRole on a cluster of this stack', () => {
  const s = stack();
  const cluster = new SecureDsqlCluster(s, 'Db');
  const appRole = new iam.Role(s, 'AppRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const dbRole = new DsqlDatabaseRole(s, 'Reader', {
    cluster,
    roleName: 'app_reader',
    principals: [appRole],
    principalArns: ['arn:aws:iam::123456789012:role/analyst'],
    schemaPrivileges: [
      { schema: 'orders', tables: [DsqlTablePrivilege.UPDATE, DsqlTablePrivilege.SELECT] },
      { schema: 'staging', allowCreate: true },
    ],
  });
  const t = Template.fromStack(s);
  const r = new ResolvedTemplate(s);

  test('the custom resource carries what the handler needs, in the form it parses', () => {
    t.hasResourceProperties(TYPE, {
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'Endpoint'] },
      Region: 'us-east-1',
      ClusterIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'Identifier'] },
      RoleName: 'app_reader',
      PrincipalArns: ['arn:aws:iam::123456789012:role/analyst', { 'Fn::GetAtt': [Match.stringLikeRegexp('^AppRole'), 'Arn'] }],
      SchemaPrivileges: [
        { Schema: 'orders', Privileges: ['USAGE'], TablePrivileges: ['SELECT', 'UPDATE'] },
        { Schema: 'staging', Privileges: ['USAGE', 'CREATE'], TablePrivileges: [] },
      ],
      RemovalPolicy: 'destroy',
    });
    // What the template says, once resolved, is accepted by the handler's own parser.
    const id = r.logicalIdsOfType(TYPE)[0];
    const parsed = parseProperties(r.json.Resources[id].Properties);
    expect(parsed.principalArns).toEqual(['arn:aws:iam::123456789012:role/analyst', r.roleArn(r.logicalIdsOfType('AWS::IAM::Role').find((x) => x.startsWith('AppRole'))!)]);
    expect(parsed.endpoint).toBe(r.getAtt(r.logicalIdsOfType('AWS::DSQL::Cluster')[0], 'Endpoint'));
  });

  test('the resource is deleted by the handler (DESTROY by default)', () => {
    t.hasResource(TYPE, { DeletionPolicy: 'Delete' });
  });

  test('the handler runs on Node.js 24 (the newest runtime aws-cdk-lib 2.255 knows) from the bundled asset, outside any VPC, with a bounded timeout', () => {
    const { fn } = handlerIds(r);
    const p = r.resources[fn].Properties;
    expect(p.Runtime).toBe('nodejs24.x');
    expect(p.Handler).toBe('index.handler');
    expect(p.Timeout).toBe(300);
    expect(p.VpcConfig).toBeUndefined();
  });

  test('the handler may do exactly dsql:DbConnectAdmin on this cluster, plus logging', () => {
    const { role } = handlerIds(r);
    const { statements, managed } = permissions(r, role);
    expect(statements).toEqual([{ Action: 'dsql:DbConnectAdmin', Effect: 'Allow', Resource: r.clusterArn() }]);
    expect(managed).toEqual(['service-role/AWSLambdaBasicExecutionRole']);
  });

  test('decisions: admin connect to this cluster only; never DbConnect, never another cluster', async () => {
    const { role } = handlerIds(r);
    const policies = { identityPolicies: r.identityPolicies(role) };
    const principal = r.roleArn(role);
    const other = 'arn:aws:dsql:us-east-1:123456789012:cluster/zzzzzzzzzzzzzzzzzzzzzzzzzz';
    expect(await decide(policies, { principal, action: 'dsql:DbConnectAdmin', resource: r.clusterArn() })).toBe('Allowed');
    expect(await decide(policies, { principal, action: 'dsql:DbConnect', resource: r.clusterArn() })).toBe('ImplicitlyDenied');
    expect(await decide(policies, { principal, action: 'dsql:DbConnectAdmin', resource: other })).toBe('ImplicitlyDenied');
    expect(await decide(policies, { principal, action: 'dsql:DeleteCluster', resource: r.clusterArn() })).toBe('ImplicitlyDenied');
  });

  test('the mapped application role gets no IAM permission from the props (database layer only)', () => {
    const appRoleId = r.logicalIdsOfType('AWS::IAM::Role').find((x) => x.startsWith('AppRole'))!;
    expect(r.identityPolicies(appRoleId)).toEqual([]);
  });

  test('attributes', () => {
    expect(dbRole.roleName).toBe('app_reader');
    expect(dbRole.cluster).toBe(cluster);
    expect(dbRole.handlerFunction).toBeInstanceOf(lambda.Function);
  });
});

describe('grantConnect', () => {
  test('gives the grantee dsql:DbConnect on the cluster and maps its role, once however often it is called', async () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const fn = new lambda.Function(s, 'App', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=1') });
    const db = new DsqlDatabaseRole(s, 'Writer', { cluster, roleName: 'app_writer' });
    const grant = db.grantConnect(fn);
    db.grantConnect(fn);
    expect(grant.success).toBe(true);

    const r = new ResolvedTemplate(s);
    const appRole = r.resources[r.logicalIdsOfType('AWS::Lambda::Function').find((x) => x.startsWith('App'))!].Properties.Role['Fn::GetAtt'][0];
    const props = r.json.Resources[r.logicalIdsOfType(TYPE)[0]].Properties;
    expect(props.PrincipalArns).toEqual([r.roleArn(appRole)]);
    const policies = { identityPolicies: r.identityPolicies(appRole) };
    expect(await decide(policies, { principal: r.roleArn(appRole), action: 'dsql:DbConnect', resource: r.clusterArn() })).toBe('Allowed');
    expect(await decide(policies, { principal: r.roleArn(appRole), action: 'dsql:DbConnectAdmin', resource: r.clusterArn() })).toBe('ImplicitlyDenied');
  });

  test('users and ARN principals can be granted; service and account principals cannot', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const db = new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r' });
    db.grantConnect(new iam.User(s, 'Alice'));
    db.grantConnect(new iam.ArnPrincipal('arn:aws:iam::123456789012:role/ext'));
    expect(() => db.grantConnect(new iam.ServicePrincipal('lambda.amazonaws.com'))).toThrow(
      /^Stack\/R: grantConnect\(grantee\) is not an IAM role or user, so it cannot be mapped to a database role \(got .*\)\. Pass an iam\.Role/);
    expect(() => db.grantConnect(new iam.AccountRootPrincipal())).toThrow(/account root principal/);
    expect(() => db.grantConnect(new iam.ArnPrincipal("arn:aws:iam::123456789012:role/x';DROP/**/ROLE/**/admin;--"))).toThrow(
      /Stack\/R: grantConnect\(grantee\) is not the ARN of an IAM role or user/);
    const arns = Object.values<any>(Template.fromStack(s).findResources(TYPE))[0].Properties.PrincipalArns;
    expect(arns).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Alice/), 'Arn'] }, 'arn:aws:iam::123456789012:role/ext']);
  });
});

describe('SecureDsqlCluster.addDatabaseRole', () => {
  test('creates a DsqlDatabaseRole on that cluster', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const db = cluster.addDatabaseRole('Reader', { roleName: 'reader' });
    expect(db).toBeInstanceOf(DsqlDatabaseRole);
    expect(db.node.path).toBe('Stack/Db/Reader');
    Template.fromStack(s).hasResourceProperties(TYPE, { RoleName: 'reader', PrincipalArns: [], SchemaPrivileges: [] });
  });
});

describe('placement', () => {
  test('through a PrivateLink endpoint: in its VPC, private host, security groups aligned on 5432 only', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const endpoint = new TestEndpoint(s, 'Endpoint', vpc);
    new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r', endpoint });
    const t = Template.fromStack(s);
    const r = new ResolvedTemplate(s);

    t.hasResourceProperties(TYPE, { Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'VpcEndpoint'] } });
    const { fn, role } = handlerIds(r);
    const vpcConfig = r.json.Resources[fn].Properties.VpcConfig;
    expect(vpcConfig.SubnetIds).toHaveLength(2);
    expect(vpcConfig.SecurityGroupIds).toHaveLength(1);
    const fnSg = r.resources[fn].Properties.VpcConfig.SecurityGroupIds[0]['Fn::GetAtt'][0];

    // The handler's group: no inline egress (CloudFormation drops the default allow-all rule once the
    // separate egress rule exists), and one egress rule: TCP 5432 to the endpoint's group.
    expect(r.json.Resources[fnSg].Properties.SecurityGroupEgress).toBeUndefined();
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointSecurityGroup'), 'GroupId'] },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointSecurityGroup'), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] },
    });
    expect(Object.keys(t.findResources('AWS::EC2::SecurityGroupEgress'))).toHaveLength(1);
    expect(Object.keys(t.findResources('AWS::EC2::SecurityGroupIngress'))).toHaveLength(1);

    // Permissions: still only DbConnectAdmin, plus the managed policy for ENIs in a VPC.
    const { statements, managed } = permissions(r, role);
    expect(statements).toEqual([{ Action: 'dsql:DbConnectAdmin', Effect: 'Allow', Resource: r.clusterArn() }]);
    expect(managed.sort()).toEqual(['service-role/AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaVPCAccessExecutionRole']);

    // The custom resource waits for the endpoint and the handler's security group.
    const cr = t.findResources(TYPE);
    const dependsOn: string[] = Object.values<any>(cr)[0].DependsOn;
    expect(dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^EndpointSecurityGroup/), fnSg]));
  });

  test('in a VPC without an endpoint: public host, egress TCP 5432 only', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 1 });
    new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r', vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    const t = Template.fromStack(s);
    t.hasResourceProperties(TYPE, { Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'Endpoint'] } });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('DsqlDatabaseRole handler'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, Description: 'Aurora DSQL public endpoint' }],
    });
  });

  test('your own security groups are used as given', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 1 });
    const sg = new ec2.SecurityGroup(s, 'Mine', { vpc });
    new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r', vpc, securityGroups: [sg] });
    const r = new ResolvedTemplate(s);
    const { fn } = handlerIds(r);
    expect(r.resources[fn].Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Mine/), 'GroupId'] }]);
  });
});

describe('imported cluster', () => {
  test('public host name and Region of the import', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', region: 'eu-west-1' });
    new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r' });
    const t = Template.fromStack(s);
    t.hasResourceProperties(TYPE, {
      Endpoint: 'abcdefghijklmnopqrstuvwxyz.dsql.eu-west-1.on.aws', Region: 'eu-west-1', ClusterIdentifier: 'abcdefghijklmnopqrstuvwxyz',
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'dsql:DbConnectAdmin', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dsql:eu-west-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz']] } }] },
    });
  });
});

describe('removal policy', () => {
  test('RETAIN keeps the custom resource and tells the handler to keep the role', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r', removalPolicy: RemovalPolicy.RETAIN });
    const t = Template.fromStack(s);
    t.hasResource(TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: Match.objectLike({ RemovalPolicy: 'retain' }) });
  });
});

describe('synth-time validation', () => {
  function attempt(props: Partial<DsqlDatabaseRoleProps>): () => void {
    return () => {
      const s = stack();
      const cluster = new SecureDsqlCluster(s, 'Db');
      new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'app', ...props });
    };
  }

  test.each<[string, Partial<DsqlDatabaseRoleProps>, RegExp]>([
    ['SQL injection in the role name', { roleName: 'x"; DROP ROLE admin; --' },
      /^Stack\/R: roleName contains a space or control character \(U\+0020 at position 3\) \(got "x\\"; DROP ROLE admin; --"\)\. Use a lower-case name/],
    ['injection without spaces', { roleName: 'x";DROP/**/ROLE/**/admin;--' }, /^Stack\/R: roleName must start with a lower-case letter/],
    ['a Cyrillic look-alike', { roleName: '\u0430pp_reader' }, /roleName contains a non-ASCII character \(U\+0430 at position 0\); look-alike/],
    ['the admin role', { roleName: 'admin' }, /roleName is a reserved role name \(the Aurora DSQL admin role cannot be managed\)/],
    ['postgres', { roleName: 'postgres' }, /roleName is a reserved role name/],
    ['a pg_ role', { roleName: 'pg_monitor' }, /roleName starts with "pg_"/],
    ['a reserved key word', { roleName: 'user' }, /roleName is a reserved role name/],
    ['64 bytes', { roleName: 'a'.repeat(64) }, /roleName is 64 bytes long/],
    ['an ARN with an injected quote', { principalArns: ["arn:aws:iam::123456789012:role/x';DROP/**/ROLE/**/admin;--"] },
      /^Stack\/R: principalArns is not the ARN of an IAM role or user .*\. Give the ARN of an IAM role or user/],
    ['an ARN with a look-alike', { principalArns: ['arn:aws:iam::123456789012:role/\u0430pp'] }, /principalArns contains a non-ASCII character/],
    ['a wildcard ARN', { principalArns: ['arn:aws:iam::123456789012:role/*'] }, /principalArns is not the ARN/],
    ['an assumed-role ARN', { principalArns: ['arn:aws:sts::123456789012:assumed-role/app/s'] }, /assumed-role session ARN/],
    ['a duplicate ARN', { principalArns: ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/a'] }, /principalArns maps the same principal twice/],
    ['empty principalArns', { principalArns: [] }, /principalArns is an empty list/],
    ['empty principals', { principals: [] }, /principals is an empty list/],
    ['empty schemaPrivileges', { schemaPrivileges: [] }, /schemaPrivileges is an empty list/],
    ['a system schema', { schemaPrivileges: [{ schema: 'pg_catalog' }] }, /schemaPrivileges\[0\]\.schema is a system schema/],
    ['an injected schema', { schemaPrivileges: [{ schema: 'orders;DROP/**/SCHEMA/**/orders' }] }, /schemaPrivileges\[0\]\.schema must start with/],
    ['a duplicate schema', { schemaPrivileges: [{ schema: 'a' }, { schema: 'a' }] }, /schemaPrivileges\[1\]\.schema appears twice/],
    ['a duplicate privilege', { schemaPrivileges: [{ schema: 'a', tables: [DsqlTablePrivilege.SELECT, DsqlTablePrivilege.SELECT] }] }, /lists a privilege twice/],
    ['a non-enum privilege', { schemaPrivileges: [{ schema: 'a', tables: ['TRUNCATE' as DsqlTablePrivilege] }] }, /"TRUNCATE"\)\. Use DsqlTablePrivilege/],
    ['SNAPSHOT', { removalPolicy: RemovalPolicy.SNAPSHOT }, /removalPolicy is not supported for a database role/],
  ])('refuses %s', (_what, props, message) => {
    expect(attempt(props)).toThrow(message);
  });

  test('placement props without a VPC are refused', () => {
    expect(attempt({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })).toThrow(/vpcSubnets is given without vpc or endpoint/);
  });

  test('security groups without a VPC, or an empty list of them, are refused', () => {
    const s = stack();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(s, 'Sg', 'sg-12345678');
    const cluster = new SecureDsqlCluster(s, 'Db');
    expect(() => new DsqlDatabaseRole(s, 'R1', { cluster, roleName: 'r', securityGroups: [sg] }))
      .toThrow(/^Stack\/R1: securityGroups is given without vpc or endpoint \(got \["Stack\/Sg"\]\)\. Give vpc/);
    expect(() => new DsqlDatabaseRole(s, 'R2', { cluster, roleName: 'r', vpc: new ec2.Vpc(s, 'V', { maxAzs: 1 }), securityGroups: [] }))
      .toThrow(/^Stack\/R2: securityGroups is an empty list/);
  });

  test('a vpc other than the endpoint\'s is refused', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const endpoint = new TestEndpoint(s, 'E', new ec2.Vpc(s, 'A', { maxAzs: 1 }));
    expect(() => new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r', endpoint, vpc: new ec2.Vpc(s, 'B', { maxAzs: 1 }) }))
      .toThrow(/^Stack\/R: vpc is not the VPC of `endpoint` \(got "Stack\/B"\)\. Leave vpc out/);
  });

  test('names given as tokens are accepted at synth and validated by the handler at deploy time', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const name = new CfnParameter(s, 'Name').valueAsString;
    new DsqlDatabaseRole(s, 'R', { cluster, roleName: name });
    Template.fromStack(s).hasResourceProperties(TYPE, { RoleName: { Ref: 'Name' } });
  });
});

/** The template with the asset hashes (which change with every handler edit) replaced by a placeholder. */
function stableTemplate(s: Stack): any {
  return JSON.parse(JSON.stringify(Template.fromStack(s).toJSON()).replace(/[0-9a-f]{64}\.zip/g, '<asset>.zip'));
}

describe('snapshot', () => {
  test('a cluster, a reader role mapped to a Lambda function, and a writer role reached through an endpoint', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const endpoint = new TestEndpoint(s, 'Endpoint', vpc);
    const app = new lambda.Function(s, 'App', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=1') });
    const reader = cluster.addDatabaseRole('Reader', {
      roleName: 'app_reader',
      schemaPrivileges: [{ schema: 'public', tables: [DsqlTablePrivilege.SELECT] }],
    });
    reader.grantConnect(app);
    new DsqlDatabaseRole(s, 'Writer', {
      cluster,
      roleName: 'app_writer',
      principalArns: ['arn:aws:iam::123456789012:role/batch'],
      schemaPrivileges: [{ schema: 'public', tables: [DsqlTablePrivilege.SELECT, DsqlTablePrivilege.INSERT, DsqlTablePrivilege.UPDATE, DsqlTablePrivilege.DELETE] }],
      endpoint,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    expect(stableTemplate(s)).toMatchSnapshot();
  });
});

describe('DsqlDatabaseRole through a real DsqlPrivateLinkEndpoint', () => {
  test('the handler runs in the endpoint VPC, reaches the endpoint on 5432 and connects to the private host', () => {
    const s = new Stack(new App(), 'WithEndpoint', { env: ENV });
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true } });
    const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc });
    const role = cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint });
    const t = Template.fromStack(s);
    const handler = s.getLogicalId(role.handlerFunction.node.defaultChild as lambda.CfnFunction);
    const fn = t.toJSON().Resources[handler];
    expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    const endpointSg = s.getLogicalId(endpoint.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      GroupId: { 'Fn::GetAtt': [endpointSg, 'GroupId'] },
    });
    t.hasResourceProperties('Custom::DsqlDatabaseRole', Match.objectLike({ Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'VpcEndpoint'] } }));
  });
});

describe('DsqlDatabaseRole on a cluster that is reachable only through a VPC endpoint', () => {
  test.each([
    ['blockPublicAccess', { blockPublicAccess: true }],
    ['sourceVpcIds only', { sourceVpcIds: ['vpc-0123456789abcdef0'] }],
    ['sourceVpcEndpointIds only', { sourceVpcEndpointIds: ['vpce-0123456789abcdef0'] }],
  ])('without endpoint fails at synth (%s)', (_name, connectConditions) => {
    const s = new Stack(new App(), 'Private', { env: ENV });
    const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions });
    expect(() => cluster.addDatabaseRole('Reader', { roleName: 'reader' })).toThrow(
      /^Private\/Db\/Reader: endpoint is not given, but the resource policy of Private\/Db denies connections that do not arrive through a VPC endpoint.*Give endpoint: the cluster's DsqlPrivateLinkEndpoint/);
  });

  test('with sourceIps the user may route the handler through a trusted NAT address, so it is allowed', () => {
    const s = new Stack(new App(), 'Nat', { env: ENV });
    const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceIps: ['203.0.113.0/24'], sourceVpcIds: ['vpc-0123456789abcdef0'] } });
    expect(() => cluster.addDatabaseRole('Reader', { roleName: 'reader' })).not.toThrow();
  });
});

test('more security groups than a network interface takes fail at synth', () => {
  const s = new Stack(new App(), 'Sgs', { env: ENV });
  const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const cluster = new SecureDsqlCluster(s, 'Db');
  const securityGroups = Array.from({ length: 6 }, (_, i) => new ec2.SecurityGroup(s, `Sg${i}`, { vpc }));
  expect(() => cluster.addDatabaseRole('Reader', { roleName: 'reader', vpc, securityGroups }))
    .toThrow(/^Sgs\/Db\/Reader: securityGroups has 6 security groups, over the quota of 5 per network interface \(got \["Sgs\/Sg0".*Give at most 5 security groups/);
});

describe('the handler is admitted where principal allow-lists would deny it', () => {
  const s = new Stack(new App(), 'Admit', { env: ENV });
  const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const app = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const stranger = new iam.Role(s, 'Stranger', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true, principalArns: [app.roleArn] } });
  cluster.grantConnectAdmin(stranger);
  const endpoint = cluster.addPrivateLinkEndpoint('Private', { vpc, allowedPrincipalArns: [app.roleArn] });
  const role = cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint });
  const r = new ResolvedTemplate(s);
  const roleId = (x: iam.IRole) => s.getLogicalId(x.node.defaultChild as iam.CfnRole);
  const through = { sourceVpc: r.ref(r.logicalIdsOfType('AWS::EC2::VPC')[0]), sourceVpce: r.ref(r.logicalIdsOfType('AWS::EC2::VPCEndpoint')[0]) };
  const request = (principal: iam.IRole) => ({ principal: r.roleArn(roleId(principal)), action: 'dsql:DbConnectAdmin', resource: r.clusterArn(), ...through });
  const policies = (principal: iam.IRole) => ({
    identityPolicies: r.identityPolicies(roleId(principal)), resourcePolicy: r.clusterPolicy(), endpointPolicy: r.endpointPolicy(),
  });

  test('the handler connects as admin through the endpoint', async () => {
    expect(await decide(policies(role.handlerFunction.role!), request(role.handlerFunction.role!))).toBe('Allowed');
  });

  test('a principal on neither list is still denied, even with DbConnectAdmin in its identity policy', async () => {
    expect(await decide(policies(stranger), request(stranger))).toBe('ExplicitlyDenied');
  });

  test('both lists name the app role and the handler role, and the user is told', () => {
    const handlerArn = r.roleArn(roleId(role.handlerFunction.role!));
    const clusterDeny = r.clusterPolicy().Statement.find((st: any) => st.Sid === 'DenyUnlistedPrincipals');
    expect(clusterDeny.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([r.roleArn(roleId(app)), handlerArn]);
    const endpointDeny = r.endpointPolicy().Statement.find((st: any) => st.Sid === 'DenyUnlistedPrincipals');
    expect(endpointDeny.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([r.roleArn(roleId(app)), handlerArn]);
    Annotations.fromStack(s).hasInfo('/Admit/Db', Match.stringLikeRegexp('admitted a role of this app'));
    Annotations.fromStack(s).hasInfo('/Admit/Db/Private', Match.stringLikeRegexp('admitted a role of this app'));
  });
});

/** The Lambda functions of a template: the role handlers and the provider frameworks. */
function functions(t: Template): Record<string, any> {
  return t.findResources('AWS::Lambda::Function');
}

/** The handler functions (not the provider frameworks). */
function handlerFunctions(t: Template): Array<[string, any]> {
  return Object.entries(functions(t)).filter(([, f]) => String(f.Properties.Description ?? '').includes('Aurora DSQL database role'));
}

describe('one handler and one provider per cluster and placement', () => {
  test('10 roles on one cluster: 10 custom resources, 2 Lambda functions, 2 IAM roles in all', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const app = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    for (let i = 0; i < 10; i++) cluster.addDatabaseRole(`Role${i}`, { roleName: `role_${i}`, principals: [app] });
    const t = Template.fromStack(s);
    expect(Object.keys(t.findResources(TYPE))).toHaveLength(10);
    expect(Object.keys(functions(t))).toHaveLength(2);
    expect(Object.keys(t.findResources('AWS::IAM::Role'))).toHaveLength(3); // the app's, the handler's, the framework's
    const tokens = new Set(Object.values<any>(t.findResources(TYPE)).map((r) => JSON.stringify(r.Properties.ServiceToken)));
    expect(tokens.size).toBe(1);
  });

  test('the shared handler may still do exactly dsql:DbConnectAdmin on its one cluster', async () => {
    const s = stack();
    const a = new SecureDsqlCluster(s, 'A');
    const b = new SecureDsqlCluster(s, 'B');
    for (let i = 0; i < 3; i++) a.addDatabaseRole(`Role${i}`, { roleName: `role_${i}` });
    b.addDatabaseRole('Role', { roleName: 'role_0' });
    const t = Template.fromStack(s);
    const r = new ResolvedTemplate(s);
    const handlers = handlerFunctions(t);
    expect(handlers).toHaveLength(2);
    const clusters = r.logicalIdsOfType('AWS::DSQL::Cluster');
    for (const [, fn] of handlers) {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const own = r.resolve(fn.Properties.Environment.Variables[TRUST_ENV.clusterIdentifier]);
      const [mine] = clusters.filter((c) => r.getAtt(c, 'Identifier') === own);
      const other = clusters.find((c) => c !== mine)!;
      const { statements } = permissions(r, roleId);
      expect(statements).toEqual([{ Action: 'dsql:DbConnectAdmin', Effect: 'Allow', Resource: r.clusterArn(mine) }]);
      const policies = { identityPolicies: r.identityPolicies(roleId) };
      expect(await decide(policies, { principal: r.roleArn(roleId), action: 'dsql:DbConnectAdmin', resource: r.clusterArn(mine) })).toBe('Allowed');
      expect(await decide(policies, { principal: r.roleArn(roleId), action: 'dsql:DbConnectAdmin', resource: r.clusterArn(other) })).toBe('ImplicitlyDenied');
    }
  });

  test('another placement is another handler; roles of one placement share theirs', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const endpoint = new TestEndpoint(s, 'Endpoint', vpc);
    const sg = new ec2.SecurityGroup(s, 'Mine', { vpc });
    const roles = [
      cluster.addDatabaseRole('Public1', { roleName: 'public_1' }),
      cluster.addDatabaseRole('Public2', { roleName: 'public_2' }),
      cluster.addDatabaseRole('Private1', { roleName: 'private_1', endpoint }),
      cluster.addDatabaseRole('Private2', { roleName: 'private_2', endpoint }),
      cluster.addDatabaseRole('OwnSg', { roleName: 'own_sg', endpoint, securityGroups: [sg] }),
    ];
    const fns = roles.map((r) => r.handlerFunction);
    expect(fns[0]).toBe(fns[1]);
    expect(fns[2]).toBe(fns[3]);
    expect(new Set(fns).size).toBe(3);
    expect(handlerFunctions(Template.fromStack(s))).toHaveLength(3);
  });

  test('a role moved to another placement becomes a new custom resource (a service token cannot change in place)', () => {
    const logicalId = (withEndpoint: boolean) => {
      const s = stack();
      const cluster = new SecureDsqlCluster(s, 'Db');
      const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      cluster.addDatabaseRole('Reader', { roleName: 'reader', endpoint: withEndpoint ? new TestEndpoint(s, 'Endpoint', vpc) : undefined });
      return Object.keys(Template.fromStack(s).findResources(TYPE))[0];
    };
    expect(logicalId(false)).toBe(logicalId(false));
    expect(logicalId(true)).not.toBe(logicalId(false));
  });
});

describe('the handler trusts only its configuration, written at synth', () => {
  function build(): { s: Stack; r: ResolvedTemplate } {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const app = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    cluster.addDatabaseRole('Literal', { roleName: 'literal', principalArns: ['arn:aws:iam::123456789012:role/analyst'], schemaPrivileges: [{ schema: 'orders' }] });
    const mapped = cluster.addDatabaseRole('Mapped', { roleName: 'mapped', adoptExisting: true });
    mapped.grantConnect(app);
    return { s, r: new ResolvedTemplate(s) };
  }

  test('cluster, host, Region and stack are fixed in the environment; each role by digest, or by state when it holds deploy-time ARNs', () => {
    const { s, r } = build();
    const [[, fn]] = handlerFunctions(Template.fromStack(s));
    const env = fn.Properties.Environment.Variables;
    const clusterId = r.logicalIdsOfType('AWS::DSQL::Cluster')[0];
    expect(env[TRUST_ENV.clusterIdentifier]).toEqual({ 'Fn::GetAtt': [clusterId, 'Identifier'] });
    expect(env[TRUST_ENV.host]).toEqual({ 'Fn::GetAtt': [clusterId, 'Endpoint'] });
    expect(env[TRUST_ENV.region]).toBe('us-east-1');
    expect(env[TRUST_ENV.stackId]).toEqual({ Ref: 'AWS::StackId' });
    const roles = JSON.parse(r.resolve(env[TRUST_ENV.roles]));
    const appArn = r.roleArn(r.logicalIdsOfType('AWS::IAM::Role').find((x) => x.startsWith('App'))!);
    expect(roles).toEqual([
      ['literal', expect.stringMatching(/^sha256:[A-Za-z0-9_-]{43}$/)],
      ['mapped', ['mapped', [appArn], [], 'destroy', 'true']],
    ]);
  });

  test('every custom resource of the template passes the handler\'s checks against the resolved environment; a forged one does not', () => {
    const { r } = build();
    const [handlerId, ...others] = r.logicalIdsOfType('AWS::Lambda::Function')
      .filter((id) => String(r.json.Resources[id].Properties.Description).includes('database role'));
    expect(others).toEqual([]);
    const config = parseTrustedConfig(r.json.Resources[handlerId].Properties.Environment.Variables);
    const events = r.logicalIdsOfType(TYPE).map((id) => ({ StackId: config.stackId, ResourceProperties: r.json.Resources[id].Properties }));
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(applyMismatches(config, event)).toEqual([]);
      expect(parseProperties(event.ResourceProperties).roleName).toBeDefined();
      const forged = { ...event, ResourceProperties: { ...event.ResourceProperties, PrincipalArns: [...event.ResourceProperties.PrincipalArns, 'arn:aws:iam::123456789012:role/x'] } };
      expect(applyMismatches(config, forged)).toEqual([expect.stringMatching(/^the state of role/)]);
    }
  });

  test('states that do not fit in the 4 KB environment are checked by name only, and each such role is warned about', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const roles = Array.from({ length: 30 }, (_, i) => {
      const app = new iam.Role(s, `App${i}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      return cluster.addDatabaseRole(`Role${i}`, { roleName: `role_with_a_long_name_${i}`, principals: [app], schemaPrivileges: [{ schema: 'orders' }] });
    });
    const r = new ResolvedTemplate(s);
    const [[, fn]] = handlerFunctions(Template.fromStack(s));
    const entries: Array<[string, unknown]> = JSON.parse(r.resolve(fn.Properties.Environment.Variables[TRUST_ENV.roles]));
    expect(entries.map(([name]) => name)).toEqual(roles.map((x) => x.roleName));
    const byName = entries.filter(([, check]) => check === '*').map(([name]) => name);
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.length).toBeLessThan(30);
    const total = Object.entries<any>(fn.Properties.Environment.Variables).reduce((n, [k, v]) => n + k.length + String(r.resolve(v)).length, 0);
    expect(total).toBeLessThanOrEqual(4096);
    const warnings = Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('checks its name, cluster, host and stack, but not its principals and privileges'));
    expect(warnings.map((w) => w.id).sort()).toEqual(byName.map((n) => `/Stack/Db/Role${n.split('_').pop()}`).sort());
  });

  test('more role names than the environment holds fail at synth', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    for (let i = 0; i < 80; i++) cluster.addDatabaseRole(`Role${i}`, { roleName: `r${i}_${'x'.repeat(55)}` });
    expect(() => Template.fromStack(s)).toThrow(/Stack\/DsqlDatabaseRoleHandler[0-9A-F]{12}: roles need about \d+ bytes of environment even by name only, over the Lambda quota of 4096 bytes/);
  });
});

describe('ownership and host names at synth', () => {
  test('two DsqlDatabaseRoles of one role name on one cluster are refused, in one stack or across the app', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    const cluster = new SecureDsqlCluster(a, 'Db');
    cluster.addDatabaseRole('Reader', { roleName: 'reader' });
    expect(() => new DsqlDatabaseRole(a, 'Again', { cluster, roleName: 'reader' })).toThrow(
      /^A\/Again: roleName is already managed on cluster A\/Db by A\/Db\/Reader: two DsqlDatabaseRoles of one database role would revoke each other's mappings on every deployment \(got "reader"\)\. Manage each database role with one DsqlDatabaseRole/);
    expect(() => new DsqlDatabaseRole(b, 'Elsewhere', { cluster, roleName: 'reader' })).toThrow(/^B\/Elsewhere: roleName is already managed on cluster A\/Db by A\/Db\/Reader/);
    // Other names, or the same name on another cluster, are fine.
    expect(() => new DsqlDatabaseRole(b, 'Writer', { cluster, roleName: 'writer' })).not.toThrow();
    expect(() => new SecureDsqlCluster(b, 'Other').addDatabaseRole('Reader', { roleName: 'reader' })).not.toThrow();
  });

  test('two imports of one cluster identifier are one cluster', () => {
    const s = stack();
    const one = SecureDsqlCluster.fromClusterIdentifier(s, 'One', 'abcdefghijklmnopqrstuvwxyz');
    const two = SecureDsqlCluster.fromClusterIdentifier(s, 'Two', 'abcdefghijklmnopqrstuvwxyz');
    new DsqlDatabaseRole(s, 'R1', { cluster: one, roleName: 'reader' });
    expect(() => new DsqlDatabaseRole(s, 'R2', { cluster: two, roleName: 'reader' })).toThrow(/^Stack\/R2: roleName is already managed on cluster abcdefghijklmnopqrstuvwxyz by Stack\/R1/);
  });

  test.each([
    ['a host outside Aurora DSQL', 'db.attacker.example'],
    ['the host of another cluster', 'zzzzzzzzzzzzzzzzzzzzzzzzzz.dsql.us-east-1.on.aws'],
    ['the host in another Region', 'abcdefghijklmnopqrstuvwxyz.dsql.eu-west-1.on.aws'],
    ['a look-alike suffix', 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws.attacker.example'],
  ])('an imported cluster whose host is %s fails at synth', (_what, host) => {
    const s = stack();
    // The import refuses it first...
    expect(() => SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', clusterEndpoint: host }))
      .toThrow(`Stack/Db: clusterEndpoint is not a DSQL host name of cluster abcdefghijklmnopqrstuvwxyz in us-east-1 (got ${JSON.stringify(host)}).`);
    // ...and the role refuses it from any other implementation of the interfaces (here: an endpoint that names it).
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Ok', 'abcdefghijklmnopqrstuvwxyz');
    const endpoint = new (class extends TestEndpoint {
      public hostNameFor(): string {
        return host;
      }
    })(s, 'Rogue', vpc);
    expect(() => new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r', endpoint })).toThrow(
      'Stack/R: endpoint gives a host name that is not one of cluster Stack/Ok (expected abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws, '
      + `or abcdefghijklmnopqrstuvwxyz.dsql-<suffix>.us-east-1.on.aws through an endpoint) (got ${JSON.stringify(host)}).`);
  });

  test('an imported cluster with its own public or private host name is accepted', () => {
    for (const clusterEndpoint of ['abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws', undefined]) {
      const s = stack();
      const cluster = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', clusterEndpoint });
      expect(() => new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r' })).not.toThrow();
    }
    const s = stack();
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = SecureDsqlCluster.fromClusterAttributes(s, 'Db', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', vpcEndpointServiceName: 'com.amazonaws.us-east-1.dsql-a1b2' });
    new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r', endpoint: new DsqlPrivateLinkEndpoint(s, 'E', { vpc, cluster }) });
    Template.fromStack(s).hasResourceProperties(TYPE, { Endpoint: 'abcdefghijklmnopqrstuvwxyz.dsql-a1b2.us-east-1.on.aws' });
  });

  test('an endpoint that gives a host name of another cluster fails at synth', () => {
    const s = stack();
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    class WrongEndpoint extends TestEndpoint {
      public hostNameFor(): string {
        return 'zzzzzzzzzzzzzzzzzzzzzzzzzz.dsql-a1b2.us-east-1.on.aws';
      }
    }
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', 'abcdefghijklmnopqrstuvwxyz');
    expect(() => new DsqlDatabaseRole(s, 'R', { cluster, roleName: 'r', endpoint: new WrongEndpoint(s, 'E', vpc) })).toThrow(
      /^Stack\/R: endpoint gives a host name that is not one of cluster Stack\/Db .*\(got "zzzzzzzzzzzzzzzzzzzzzzzzzz\.dsql-a1b2\.us-east-1\.on\.aws"\)\. Give the DsqlPrivateLinkEndpoint of this cluster/);
  });

  test('adoptExisting is declared to the handler; the ownership schema cannot be granted', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    cluster.addDatabaseRole('Adopt', { roleName: 'adopted', adoptExisting: true });
    cluster.addDatabaseRole('Keep', { roleName: 'kept' });
    const t = Template.fromStack(s);
    t.hasResourceProperties(TYPE, { RoleName: 'adopted', AdoptExisting: 'true' });
    t.hasResourceProperties(TYPE, { RoleName: 'kept', AdoptExisting: 'false' });
    expect(() => cluster.addDatabaseRole('Bad', { roleName: 'bad', schemaPrivileges: [{ schema: 'secure_dsql', tables: [DsqlTablePrivilege.UPDATE] }] })).toThrow(
      /^Stack\/Db\/Bad: schemaPrivileges\[0\]\.schema is the schema where the handler records the roles it manages, which only admin may use \(got "secure_dsql"\)/);
  });
});
