import { createHash } from 'crypto';
import { Annotations, Aws, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { admitPrincipal } from './allow-list';
import { failureMessage } from './errors';
import { acknowledgeCustomResourceFunctions } from './nag';
import type { IDsqlCluster } from '../cluster-ref';
import type { IDsqlConnectionEndpoint } from '../endpoint-ref';
import { markLibraryOwner } from './owner-marker';
import { DeclaredState, digestOf, NAME_ONLY, TRUST_ENV } from '../handlers/database-role/trust';
import { DatabaseRoleFunction } from '../handlers/database-role-function';

/**
 * The total size of a Lambda function's environment variables (names and values): 4 KB ("Lambda quotas",
 * AWS Lambda developer guide).
 */
const ENVIRONMENT_QUOTA = 4_096;

/**
 * The length assumed at synth time for a value CloudFormation resolves at deploy time: an IAM role or user
 * ARN of this app is at most ~100 characters (`arn:aws-us-gov:iam::<account>:role/` and a name of at most 64).
 */
const TOKEN_LENGTH = 128;

/** The same for the stack id (`arn:…:cloudformation:<region>:<account>:stack/<name of up to 128>/<uuid>`). */
const STACK_ID_LENGTH = 256;

/**
 * The handler's subnets when none are given: the VPC's default selection, without the subnets of the
 * endpoint's own network ACL (`networkAcl` of a DsqlPrivateLinkEndpoint). That ACL admits the connection
 * in and lets its reply out, but it is stateless: a handler on those subnets would have its own requests to
 * an endpoint interface in another subnet, and their replies, dropped by it. Undefined (the default
 * selection) when the endpoint has no such ACL or every default subnet carries it.
 */
export function defaultHandlerSubnets(vpc: ec2.IVpc, endpoint: IDsqlConnectionEndpoint | undefined): ec2.SubnetSelection | undefined {
  const acl = (endpoint as { networkAcl?: IConstruct } | undefined)?.networkAcl;
  if (!acl) return undefined;
  const aclSubnets = new Set(acl.node.findAll()
    .filter((c): c is ec2.CfnSubnetNetworkAclAssociation => c instanceof ec2.CfnSubnetNetworkAclAssociation)
    .map((c) => c.subnetId));
  const defaults = vpc.selectSubnets().subnets;
  const remaining = defaults.filter((s) => !aclSubnets.has(s.subnetId));
  return remaining.length > 0 && remaining.length < defaults.length ? { subnets: remaining } : undefined;
}

/** Where the handler of a set of database roles runs and what it connects to. */
export interface DatabaseRoleHandlerPlacement {
  readonly cluster: IDsqlCluster;
  /** The host the handler connects to (public or private host name of the cluster). */
  readonly host: string;
  readonly endpoint?: IDsqlConnectionEndpoint;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** A role the handler may act on, as its DsqlDatabaseRole declares it. */
export interface DeclaredRole {
  /** The DsqlDatabaseRole (annotations go there). */
  readonly scope: IConstruct;
  /** The declared state, produced when the template is written (after every grantConnect). */
  readonly state: () => DeclaredState;
}

interface RenderedRoles {
  readonly entries: Array<[string, string | DeclaredState]>;
  /** Roles whose state could only be declared by name. */
  readonly nameOnly: DeclaredRole[];
  /** Estimated size of the environment, and whether it fits. */
  readonly size: number;
}

function isToken(value: string): boolean {
  return Token.isUnresolved(value);
}

function hasToken(state: DeclaredState): boolean {
  return flatten(state).some(isToken);
}

function flatten(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(flatten);
  return [];
}

/** The JSON length of a value once CloudFormation has resolved it (tokens estimated). */
function estimatedLength(value: unknown, tokenLength = TOKEN_LENGTH): number {
  return JSON.stringify(value, (_k, v) => (typeof v === 'string' && isToken(v) ? 'x'.repeat(tokenLength) : v)).length;
}

/**
 * The Lambda function and the custom-resource provider that manage the database roles of one stack on one
 * cluster and placement (VPC, subnets, security groups, endpoint): one per such combination, found or made
 * by `of`. Every DsqlDatabaseRole with the same cluster and placement adds one custom resource and nothing
 * else.
 *
 * Its environment fixes what it acts on (see src/handlers/database-role/trust.ts): the cluster, host,
 * Region, stack, and each declared role with, where the 4 KB environment allows, the exact declared state.
 */
export class DatabaseRoleHandler extends Construct {
  /** The handler of `placement` in the stack of `scope`, created on first use. */
  public static of(scope: IConstruct, placement: DatabaseRoleHandlerPlacement): DatabaseRoleHandler {
    const stack = Stack.of(scope);
    const key = DatabaseRoleHandler.keyOf(placement);
    const id = `DsqlDatabaseRoleHandler${key}`;
    const existing = stack.node.tryFindChild(id);
    if (existing instanceof DatabaseRoleHandler) return existing;
    return new DatabaseRoleHandler(stack, id, key, placement);
  }

  /** A stable hash of the cluster and the placement (construct paths and literal values only). */
  public static keyOf(p: DatabaseRoleHandlerPlacement): string {
    const literal = (value: string | undefined, otherwise: string) => (value === undefined ? 'none' : isToken(value) ? otherwise : value);
    const subnets = p.vpc ? p.vpc.selectSubnets(p.vpcSubnets).subnets.map((s) => s.node.path).sort() : [];
    const parts = {
      cluster: literal(p.cluster.clusterIdentifier, `construct:${p.cluster.node.path}`),
      region: literal(p.cluster.env.region, 'stack'),
      host: literal(p.host, p.endpoint ? `endpoint:${p.endpoint.node.path}` : `public:${p.cluster.node.path}`),
      endpoint: p.endpoint?.node.path ?? 'none',
      vpc: p.vpc?.node.path ?? 'none',
      subnets,
      securityGroups: p.securityGroups ? p.securityGroups.map((g) => g.node.path).sort() : 'own',
    };
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12).toUpperCase();
  }

  /** The stable hash this handler is keyed by. */
  public readonly key: string;
  /** The function (it holds `dsql:DbConnectAdmin` on the cluster). */
  public readonly function: lambda.Function;
  /** The security group the handler made for itself (without `securityGroups`, in a VPC). */
  public readonly ownSecurityGroup?: ec2.ISecurityGroup;
  /** The service token of the custom resources. */
  public readonly serviceToken: string;

  private readonly roles: DeclaredRole[] = [];
  private readonly warned = new Set<IConstruct>();
  private readonly fixedSize: number;

  private constructor(scope: Construct, id: string, key: string, placement: DatabaseRoleHandlerPlacement) {
    super(scope, id);
    this.key = key;
    const { cluster, endpoint, vpc } = placement;
    this.ownSecurityGroup = vpc && !placement.securityGroups ? this.securityGroup(vpc, !!endpoint) : undefined;

    const environment: Record<string, string> = {
      [TRUST_ENV.clusterIdentifier]: cluster.clusterIdentifier,
      [TRUST_ENV.host]: placement.host,
      [TRUST_ENV.region]: cluster.env.region,
      [TRUST_ENV.stackId]: Aws.STACK_ID,
    };
    this.fixedSize = Object.entries(environment).reduce((n, [k, v]) =>
      n + k.length + (k === TRUST_ENV.stackId ? STACK_ID_LENGTH : isToken(v) ? TOKEN_LENGTH : v.length), 0)
      + 'AWS_NODEJS_CONNECTION_REUSE_ENABLED'.length + 1 + TRUST_ENV.roles.length;

    this.function = new DatabaseRoleFunction(this, 'Handler', {
      description: 'secure-dsql: creates, reconciles and removes the Aurora DSQL database roles of this stack on one cluster',
      timeout: Duration.minutes(5),
      memorySize: 256,
      vpc,
      vpcSubnets: vpc ? placement.vpcSubnets : undefined,
      securityGroups: vpc ? (placement.securityGroups ?? [this.ownSecurityGroup!]) : undefined,
      environment: {
        ...environment,
        [TRUST_ENV.roles]: Lazy.string({ produce: () => Stack.of(this).toJsonString(this.render().entries) }),
      },
    });
    markLibraryOwner(this.function, 'database-role-handler');
    cluster.grantConnectAdmin(this.function);
    // The handler must connect: admit its role where principal allow-lists would otherwise deny it.
    const handlerRoleArn = this.function.role!.roleArn;
    const reason = 'the handler of a DsqlDatabaseRole, which must connect as admin';
    admitPrincipal(cluster, handlerRoleArn, reason);
    if (endpoint) admitPrincipal(endpoint, handlerRoleArn, reason);
    if (endpoint) endpoint.connections.allowDefaultPortFrom(this.function, 'DsqlDatabaseRole handler to the cluster');

    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.function });
    this.serviceToken = provider.serviceToken;
    // Compliance rules that cannot apply to the custom-resource functions (README "Compliance").
    acknowledgeCustomResourceFunctions(this.function, provider, { handlerInVpc: vpc !== undefined });

    this.node.addValidation({ validate: () => this.validateEnvironment() });
  }

  /** Declare a role this handler may act on. */
  public declare(role: DeclaredRole): void {
    this.roles.push(role);
  }

  /**
   * The DSQL_ROLES entries: a digest of each state known at synth time, the state itself when it holds
   * deploy-time values; when the estimate exceeds the environment quota, the largest states (then digests)
   * are reduced to the role name, which the handler still checks.
   */
  private render(): RenderedRoles {
    const rows = this.roles.map((role) => {
      const state = role.state();
      return { role, name: state[0], spec: (hasToken(state) ? state : digestOf(state)) as string | DeclaredState };
    });
    const entrySize = (row: { name: string; spec: string | DeclaredState }) => estimatedLength([row.name, row.spec]) + 1;
    let size = this.fixedSize + 2 + rows.reduce((n, r) => n + entrySize(r), 0);
    const nameOnly: DeclaredRole[] = [];
    const byCost = [...rows].sort((a, b) =>
      Number(typeof a.spec === 'string') - Number(typeof b.spec === 'string') || entrySize(b) - entrySize(a));
    for (const row of byCost) {
      if (size <= ENVIRONMENT_QUOTA) break;
      const before = entrySize(row);
      row.spec = NAME_ONLY;
      size -= before - entrySize(row);
      nameOnly.push(row.role);
    }
    return { entries: rows.map((r) => [r.name, r.spec]), nameOnly, size };
  }

  private validateEnvironment(): string[] {
    const rendered = this.render();
    if (rendered.size > ENVIRONMENT_QUOTA) {
      return [failureMessage(this, 'roles', rendered.entries.map(([name]) => name),
        `need about ${rendered.size} bytes of environment even by name only, over the Lambda quota of ${ENVIRONMENT_QUOTA} bytes`,
        'Spread the roles over fewer names per cluster and placement in this stack (e.g. another stack), or shorten the role names.')];
    }
    for (const role of rendered.nameOnly) {
      if (this.warned.has(role.scope)) continue;
      this.warned.add(role.scope);
      Annotations.of(role.scope).addWarningV2('secure-dsql:database-role-state-by-name',
        `The handler of this role checks its name, cluster, host and stack, but not its principals and privileges: the declared states of the ${this.roles.length} roles `
        + `on this cluster and placement do not fit in the handler's ${ENVIRONMENT_QUOTA}-byte environment (about ${rendered.size} bytes). `
        + 'Give principals as literal ARNs (principalArns), whose state is stored as a 51-byte digest, or spread the roles over other placements.');
    }
    return [];
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
