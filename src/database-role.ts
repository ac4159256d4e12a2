import { CustomResource, Lazy, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { registerDatabaseRole, registerDatabaseRoleHandler } from './access/registry';
import type { IDsqlCluster } from './cluster-ref';
import { DsqlDatabaseRoleOptions, DsqlSchemaPrivileges, DsqlTablePrivilege, IDsqlDatabaseRole } from './database-role-ref';
import type { IDsqlConnectionEndpoint } from './endpoint-ref';
import { DatabaseRoleResourceProperties, OWNERSHIP_SCHEMA, RESOURCE_TYPE } from './handlers/database-role/properties';
import { declaredState } from './handlers/database-role/trust';
import { DatabaseRoleHandler, defaultHandlerSubnets } from './private/database-role-handler';
import { fail } from './private/errors';
import { isDsqlHostName } from './private/facts/patterns';
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

/** The role names claimed in each app, by cluster: `<cluster>/<role name>` to the DsqlDatabaseRole. */
const CLAIMED = new WeakMap<IConstruct, Map<string, IConstruct>>();

/**
 * A database role on an Aurora DSQL cluster, mapped to IAM principals and granted privileges on schemas.
 *
 * A custom resource connects to the cluster as `admin` (TLS with certificate verification, a
 * `dsql:DbConnectAdmin` token signed for the host it connects to) and runs `CREATE ROLE … WITH LOGIN`,
 * `AWS IAM GRANT <role> TO '<arn>'` and the requested `GRANT`s; on update it reconciles, on delete it undoes
 * them. Its function may call `dsql:DbConnectAdmin` on this cluster only.
 *
 * All the DsqlDatabaseRoles of a stack on one cluster and placement (`endpoint`, `vpc`, `vpcSubnets`,
 * `securityGroups`) share one handler function and one provider. The handler acts only on what the template
 * declared for it (its environment fixes the cluster, host, Region, stack, role names and declared states),
 * and changes or drops only the roles its stack created, as an ownership record in the database proves.
 *
 * @resource Custom::DsqlDatabaseRole
 *
 * @example
 * declare const cluster: SecureDsqlCluster;
 * declare const fn: lambda.IFunction;
 * const reader = new DsqlDatabaseRole(this, 'Reader', {
 *   cluster: cluster,
 *   roleName: 'app_reader',
 *   schemaPrivileges: [{ schema: 'public', tables: [DsqlTablePrivilege.SELECT] }],
 * });
 * reader.grantConnect(fn);
 */
export class DsqlDatabaseRole extends Resource implements IDsqlDatabaseRole {
  /** The name of the database role. */
  public readonly roleName: string;

  /** The cluster the role lives in. */
  public readonly cluster: IDsqlCluster;

  /**
   * The function that manages the role (it holds `dsql:DbConnectAdmin` on the cluster), shared by every
   * DsqlDatabaseRole of this stack on the same cluster and placement.
   */
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
    const host = endpoint ? endpoint.hostNameFor(this.cluster) : this.cluster.clusterEndpoint;
    this.checkHost(host, endpoint);
    this.claimRoleName();

    const handler = DatabaseRoleHandler.of(this, {
      cluster: this.cluster,
      host,
      endpoint,
      vpc,
      // By default off the subnets whose network ACL (the endpoint's, stateless) would drop its traffic.
      vpcSubnets: vpc ? (props.vpcSubnets ?? defaultHandlerSubnets(vpc, endpoint)) : undefined,
      securityGroups: vpc ? props.securityGroups : undefined,
    });
    this.handlerFunction = handler.function;
    registerDatabaseRoleHandler(this, this.cluster, this.handlerFunction, endpoint);
    registerDatabaseRole(this, this.cluster, props.principals ?? [], props.principalArns ?? []);

    const properties: DatabaseRoleResourceProperties = {
      Endpoint: host,
      Region: this.cluster.env.region,
      ClusterIdentifier: this.cluster.clusterIdentifier,
      RoleName: props.roleName,
      PrincipalArns: Lazy.list({ produce: () => [...this.arns] }, { omitEmpty: false }),
      SchemaPrivileges: schemaPrivileges,
      RemovalPolicy: removalPolicy === RemovalPolicy.RETAIN ? 'retain' : 'destroy',
      AdoptExisting: props.adoptExisting ? 'true' : 'false',
    };
    // The handler acts on this role only in the state declared here (read once every grantConnect is done).
    handler.declare({ scope: this, state: () => declaredState({ ...properties, PrincipalArns: [...this.arns] }) });

    // The handler's key is part of the id: a custom resource's service token cannot be changed in place
    // (CloudFormation refuses "Modifying service token is not allowed"), so a role that moves to another
    // cluster or placement becomes a new resource; the old one's Delete then finds the role recorded for the
    // new one and drops nothing.
    const resource = new CustomResource(this, `Resource${handler.key}`, {
      serviceToken: handler.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties: properties as unknown as Record<string, unknown>,
    });
    resource.applyRemovalPolicy(removalPolicy);
    this.node.defaultChild = resource;
    // The endpoint and the security group rules on 5432 must exist before the handler connects, and outlive it.
    if (endpoint) resource.node.addDependency(endpoint);
    if (handler.ownSecurityGroup) resource.node.addDependency(handler.ownSecurityGroup);
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
        if (entry.schema === OWNERSHIP_SCHEMA) {
          fail(this, `${prop}.schema`, entry.schema, 'is the schema where the handler records the roles it manages, which only admin may use',
            'Grant privileges on an application schema instead.');
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

  /**
   * The handler signs its admin token for, and connects to, this host: it must be a host name of this very
   * cluster (public `<id>.dsql.<region>.on.aws` or private `<id>.dsql-<suffix>.<region>.on.aws`). Checked
   * whenever it is known at synth time (an imported cluster, or an endpoint's literal host name); the handler
   * checks it again at run time.
   */
  private checkHost(host: string, endpoint: IDsqlConnectionEndpoint | undefined): void {
    if (Token.isUnresolved(host)) return;
    const id = this.cluster.clusterIdentifier;
    const region = this.cluster.env.region;
    const knownId = Token.isUnresolved(id) ? undefined : id;
    const knownRegion = Token.isUnresolved(region) ? undefined : region;
    if (isDsqlHostName(host, knownId, knownRegion)) return;
    const expected = `${knownId ?? '<cluster id>'}.dsql.${knownRegion ?? '<region>'}.on.aws, or ${knownId ?? '<cluster id>'}.dsql-<suffix>.${knownRegion ?? '<region>'}.on.aws through an endpoint`;
    if (endpoint) {
      fail(this, 'endpoint', host, `gives a host name that is not one of cluster ${this.cluster.node.path} (expected ${expected})`,
        'Give the DsqlPrivateLinkEndpoint of this cluster, or import the cluster with the vpcEndpointServiceName of its connection service.');
    }
    fail(this, 'cluster', host, `has a host name that is not one of cluster ${knownId ?? this.cluster.node.path} (expected ${expected})`,
      'Import the cluster without an explicit endpoint (the default host name is the cluster\'s), or give its real host name.');
  }

  /**
   * One DsqlDatabaseRole per role name and cluster in an app: two would revoke each other's mappings on every
   * deployment. Checked when the role name and the cluster (its identifier, or its construct) are known.
   */
  private claimRoleName(): void {
    if (Token.isUnresolved(this.roleName)) return;
    const id = this.cluster.clusterIdentifier;
    const region = this.cluster.env.region;
    const cluster = Token.isUnresolved(id) ? `construct:${this.cluster.node.path}` : `id:${id}@${Token.isUnresolved(region) ? '?' : region}`;
    let claimed = CLAIMED.get(this.node.root);
    if (!claimed) {
      claimed = new Map();
      CLAIMED.set(this.node.root, claimed);
    }
    const key = `${cluster}/${this.roleName}`;
    const other = claimed.get(key);
    if (other) {
      fail(this, 'roleName', this.roleName,
        `is already managed on cluster ${Token.isUnresolved(id) ? this.cluster.node.path : id} by ${other.node.path}: two DsqlDatabaseRoles of one database role would revoke each other's mappings on every deployment`,
        'Manage each database role with one DsqlDatabaseRole (add principals to it with principals, principalArns or grantConnect), or choose another roleName.');
    }
    claimed.set(key, this);
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
}
