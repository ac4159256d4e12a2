import { CustomResource, Duration, Lazy, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { registerDatabaseRole, registerDatabaseRoleHandler } from './access/registry';
import type { IDsqlCluster } from './cluster-ref';
import { DsqlDatabaseRoleOptions, DsqlSchemaPrivileges, DsqlTablePrivilege, IDsqlDatabaseRole } from './database-role-ref';
import type { IDsqlConnectionEndpoint } from './endpoint-ref';
import { DatabaseRoleResourceProperties, RESOURCE_TYPE } from './handlers/database-role/properties';
import { DatabaseRoleFunction } from './handlers/database-role-function';
import { admitPrincipal } from './private/allow-list';
import { fail } from './private/errors';
import { acknowledgeCustomResourceFunctions } from './private/nag';
import { QUOTAS } from './private/quota';
import { principalArnProblem, roleNameProblem, schemaNameProblem } from './private/sql-identifiers';

/**
 * Properties of a DsqlDatabaseRole.
 */
export interface DsqlDatabaseRoleProps extends DsqlDatabaseRoleOptions {
  /** The cluster the role lives in. */
  readonly cluster: IDsqlCluster;
}

const TABLE_PRIVILEGE_VALUES = Object.values(DsqlTablePrivilege) as string[];

/**
 * A database role on an Aurora DSQL cluster, mapped to IAM principals and granted privileges on schemas.
 *
 * A custom resource connects to the cluster as `admin` (TLS with certificate verification, a
 * `dsql:DbConnectAdmin` token signed for the host it connects to) and runs `CREATE ROLE … WITH LOGIN`,
 * `AWS IAM GRANT <role> TO '<arn>'` and the requested `GRANT`s; on update it reconciles, on delete it undoes
 * them. Its function may call `dsql:DbConnectAdmin` on this cluster only.
 *
 * @resource Custom::DsqlDatabaseRole
 */
export class DsqlDatabaseRole extends Resource implements IDsqlDatabaseRole {
  /** The name of the database role. */
  public readonly roleName: string;

  /** The cluster the role lives in. */
  public readonly cluster: IDsqlCluster;

  /** The function that manages the role (it holds `dsql:DbConnectAdmin` on the cluster). */
  public readonly handlerFunction: lambda.IFunction;

  private readonly arns: string[] = [];

  constructor(scope: Construct, id: string, props: DsqlDatabaseRoleProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.roleName = props.roleName;

    if (!Token.isUnresolved(props.roleName)) {
      const problem = roleNameProblem(props.roleName);
      if (problem) {
        fail(this, 'roleName', props.roleName, problem,
          'Use a lower-case name of letters, digits and underscores, such as "app_reader", that is not a system or reserved role.');
      }
    }

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    if (removalPolicy !== RemovalPolicy.DESTROY && removalPolicy !== RemovalPolicy.RETAIN) {
      fail(this, 'removalPolicy', removalPolicy, 'is not supported for a database role', 'Use RemovalPolicy.DESTROY or RemovalPolicy.RETAIN.');
    }

    if (props.principalArns !== undefined) {
      if (props.principalArns.length === 0) {
        fail(this, 'principalArns', props.principalArns, 'is an empty list', 'Leave principalArns out, or list the IAM role or user ARNs to map.');
      }
      for (const arn of props.principalArns) this.addPrincipalArn(arn, 'principalArns', true);
    }
    if (props.principals !== undefined) {
      if (props.principals.length === 0) {
        fail(this, 'principals', props.principals, 'is an empty list', 'Leave principals out, or list the IAM roles or users to map.');
      }
      for (const grantee of props.principals) this.addPrincipalArn(this.arnOf(grantee, 'principals'), 'principals', true);
    }

    const schemaPrivileges = this.renderPrivileges(props.schemaPrivileges);
    const { vpc, endpoint } = this.placement(props);
    this.checkReachable(endpoint);
    const ownGroup = vpc && !props.securityGroups ? this.securityGroup(vpc, !!endpoint) : undefined;

    this.handlerFunction = new DatabaseRoleFunction(this, 'Handler', {
      description: 'secure-dsql: creates, reconciles and removes an Aurora DSQL database role',
      timeout: Duration.minutes(5),
      memorySize: 256,
      vpc,
      vpcSubnets: vpc ? props.vpcSubnets : undefined,
      securityGroups: vpc ? (props.securityGroups ?? [ownGroup!]) : undefined,
    });
    this.cluster.grantConnectAdmin(this.handlerFunction);
    registerDatabaseRoleHandler(this, this.cluster, this.handlerFunction, endpoint);
    registerDatabaseRole(this, this.cluster, props.principals ?? [], props.principalArns ?? []);
    // The handler must connect: admit its role where principal allow-lists would otherwise deny it.
    const handlerRoleArn = this.handlerFunction.role!.roleArn;
    const reason = 'the handler of a DsqlDatabaseRole, which must connect as admin';
    admitPrincipal(this.cluster, handlerRoleArn, reason);
    if (endpoint) admitPrincipal(endpoint, handlerRoleArn, reason);
    if (endpoint) endpoint.connections.allowDefaultPortFrom(this.handlerFunction, 'DsqlDatabaseRole handler to the cluster');

    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.handlerFunction });
    // Compliance rules that cannot apply to the custom-resource functions (README "Compliance").
    acknowledgeCustomResourceFunctions(this.handlerFunction, provider, { handlerInVpc: vpc !== undefined });

    const properties: DatabaseRoleResourceProperties = {
      Endpoint: endpoint ? endpoint.hostNameFor(this.cluster) : this.cluster.clusterEndpoint,
      Region: this.cluster.env.region,
      ClusterIdentifier: this.cluster.clusterIdentifier,
      RoleName: props.roleName,
      PrincipalArns: Lazy.list({ produce: () => [...this.arns] }, { omitEmpty: false }),
      SchemaPrivileges: schemaPrivileges,
      RemovalPolicy: removalPolicy === RemovalPolicy.RETAIN ? 'retain' : 'destroy',
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties: properties as unknown as Record<string, unknown>,
    });
    resource.applyRemovalPolicy(removalPolicy);
    // The endpoint and the security group rules on 5432 must exist before the handler connects, and outlive it.
    if (endpoint) resource.node.addDependency(endpoint);
    if (ownGroup) resource.node.addDependency(ownGroup);
  }

  /**
   * Let `grantee` log in as this database role: `dsql:DbConnect` on the cluster in its identity policy (IAM
   * layer) and a mapping of its role or user ARN to this database role (database layer).
   *
   * The grantee must be (or act as) an IAM role or user, e.g. an `iam.Role`, `iam.User` or `lambda.Function`.
   * For an imported role the identity policy cannot be changed here and the returned grant says so.
   */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    this.addPrincipalArn(this.arnOf(grantee, 'grantConnect(grantee)'), 'grantConnect(grantee)', false);
    return this.cluster.grantConnect(grantee);
  }

  private addPrincipalArn(arn: string, prop: string, refuseDuplicate: boolean): void {
    if (!Token.isUnresolved(arn)) {
      const problem = principalArnProblem(arn);
      if (problem) {
        fail(this, prop, arn, problem, 'Give the ARN of an IAM role or user, such as "arn:aws:iam::123456789012:role/app".');
      }
    }
    if (this.arns.includes(arn)) {
      if (refuseDuplicate) fail(this, prop, arn, 'maps the same principal twice', 'Remove the duplicate.');
      return;
    }
    this.arns.push(arn);
  }

  /** The role or user ARN a grantee logs in with. */
  private arnOf(grantee: iam.IGrantable, prop: string): string {
    const principal = grantee.grantPrincipal;
    const candidate = principal as Partial<iam.IRole & iam.IUser & iam.ArnPrincipal>;
    if (principal instanceof iam.AccountRootPrincipal) {
      return fail(this, prop, principal.toString(), 'is an account root principal, which cannot log in to a database role',
        'Map an IAM role or user.');
    }
    if (typeof candidate.roleArn === 'string') return candidate.roleArn;
    if (typeof candidate.userArn === 'string') return candidate.userArn;
    if (principal instanceof iam.ArnPrincipal) return principal.arn;
    return fail(this, prop, principal.toString(), 'is not an IAM role or user, so it cannot be mapped to a database role',
      'Pass an iam.Role, iam.User, or a construct whose grantPrincipal is one (e.g. a lambda.Function), or use principalArns.');
  }

  private renderPrivileges(entries: DsqlSchemaPrivileges[] | undefined): DatabaseRoleResourceProperties['SchemaPrivileges'] {
    if (entries === undefined) return [];
    if (entries.length === 0) {
      fail(this, 'schemaPrivileges', entries, 'is an empty list', 'Leave schemaPrivileges out, or list the schemas the role may use.');
    }
    const seen = new Set<string>();
    return entries.map((entry, i) => {
      const prop = `schemaPrivileges[${i}]`;
      if (!Token.isUnresolved(entry.schema)) {
        const problem = schemaNameProblem(entry.schema);
        if (problem) {
          fail(this, `${prop}.schema`, entry.schema, problem, 'Name an application schema such as "public" or "orders" (lower-case letters, digits, underscores).');
        }
        if (seen.has(entry.schema)) fail(this, `${prop}.schema`, entry.schema, 'appears twice', 'Merge the two entries into one.');
        seen.add(entry.schema);
      }
      const tables = entry.tables ?? [];
      for (const t of tables) {
        if (!TABLE_PRIVILEGE_VALUES.includes(t)) {
          fail(this, `${prop}.tables`, t, 'is not a table privilege', `Use DsqlTablePrivilege (${TABLE_PRIVILEGE_VALUES.join(', ')}).`);
        }
      }
      if (new Set(tables).size !== tables.length) {
        fail(this, `${prop}.tables`, tables, 'lists a privilege twice', 'Remove the duplicate.');
      }
      return {
        Schema: entry.schema,
        Privileges: entry.allowCreate ? ['USAGE', 'CREATE'] : ['USAGE'],
        TablePrivileges: TABLE_PRIVILEGE_VALUES.filter((p) => tables.includes(p as DsqlTablePrivilege)),
      };
    });
  }

  /**
   * A cluster whose resource policy denies connections that do not come through a VPC endpoint can only be
   * reached through one: without `endpoint` the handler would fail at deploy time, so fail at synth.
   */
  private checkReachable(endpoint: IDsqlConnectionEndpoint | undefined): void {
    const conditions = this.cluster.connectConditions;
    if (endpoint || !conditions || conditions.sourceIps) return;
    if (conditions.blockPublicAccess || conditions.sourceVpcIds || conditions.sourceVpcEndpointIds) {
      fail(this, 'endpoint', undefined,
        `is not given, but the resource policy of ${this.cluster.node.path} denies connections that do not arrive through a VPC endpoint, so the handler could not connect`,
        'Give endpoint: the cluster\'s DsqlPrivateLinkEndpoint (cluster.addPrivateLinkEndpoint(...)), whose VPC the handler then runs in.');
    }
  }

  private placement(props: DsqlDatabaseRoleProps): { vpc?: ec2.IVpc; endpoint?: IDsqlConnectionEndpoint } {
    const endpoint = props.endpoint;
    if (endpoint && props.vpc && props.vpc !== endpoint.vpc) {
      fail(this, 'vpc', props.vpc.node.path, 'is not the VPC of `endpoint`', 'Leave vpc out when you give endpoint: the handler runs in the endpoint\'s VPC.');
    }
    const vpc = props.vpc ?? endpoint?.vpc;
    if (!vpc && props.vpcSubnets) {
      fail(this, 'vpcSubnets', props.vpcSubnets, 'is given without vpc or endpoint', 'Give vpc (or endpoint) too, or leave vpcSubnets out.');
    }
    if (!vpc && props.securityGroups) {
      fail(this, 'securityGroups', props.securityGroups.map((g) => g.node.path), 'is given without vpc or endpoint',
        'Give vpc (or endpoint) too, or leave securityGroups out.');
    }
    if (props.securityGroups && props.securityGroups.length === 0) {
      fail(this, 'securityGroups', [], 'is an empty list', 'Leave securityGroups out to get a security group that allows only TCP 5432 outbound.');
    }
    if (props.securityGroups && props.securityGroups.length > QUOTAS.securityGroupsPerInterface) {
      fail(this, 'securityGroups', props.securityGroups.map((g) => g.node.path),
        `has ${props.securityGroups.length} security groups, over the quota of ${QUOTAS.securityGroupsPerInterface} per network interface`,
        'Give at most 5 security groups (or raise the quota and pass fewer here), or leave securityGroups out.');
    }
    return { vpc, endpoint };
  }

  private securityGroup(vpc: ec2.IVpc, throughEndpoint: boolean): ec2.ISecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'secure-dsql DsqlDatabaseRole handler: outbound TCP 5432 to the cluster only',
      allowAllOutbound: false,
    });
    if (!throughEndpoint) {
      // The public endpoint's addresses are not fixed: the port is the restriction.
      sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(5432), 'Aurora DSQL public endpoint');
    }
    return sg;
  }
}
