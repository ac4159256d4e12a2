/**
 * The whole-app access model as plain data (docs/ARCHITECTURE.md, "Access model"): what the collector
 * reads from the construct tree, and what the evaluator, the checks and the report work on. Pure: no CDK.
 */
import type { Acl, SecurityGroup } from './network';
import type { Policy, PrincipalRef } from '../private/policy/evaluate';
import type { Str, Tri } from '../private/policy/values';

/** The layers that decide a connection, as named in the report. */
export type Layer = 'identity' | 'cluster-policy' | 'endpoint-policy' | 'security-group' | 'network-acl' | 'placement';

export const LAYERS: readonly Layer[] = ['identity', 'cluster-policy', 'endpoint-policy', 'security-group', 'network-acl', 'placement'];

export interface ClusterInfo {
  readonly key: string;
  readonly path: string;
  readonly arn: Str;
  readonly account: Str;
  /** The connection service name, when known. */
  readonly serviceName?: Str;
  /** The resource-based policy; undefined when the cluster has none. */
  readonly policy?: Policy;
  /** False for an imported cluster whose policy the app does not know. */
  readonly policyKnown: boolean;
  readonly imported: boolean;
  /**
   * The trails and event data stores of the app whose advanced event selectors record the connection attempts
   * to this cluster (construct paths); filled by the collector, empty when none does or the app cannot tell.
   */
  readonly auditedBy: string[];
}

export interface SubnetInfo {
  readonly key: string;
  readonly path: string;
  readonly vpc?: Str;
  /** The IPv4 block, when known. */
  readonly cidr?: string;
  /** The key of its network ACL; undefined when not known. */
  readonly aclKey?: string;
  /** Whether it has a default route through a NAT gateway (`undefined`: not known). */
  readonly natRoute: Tri;
  /** Whether its default route goes to an internet gateway (a public subnet). */
  readonly igwRoute?: boolean;
  /** The subnet of the NAT gateway its default route uses. */
  readonly natSubnetKey?: string;
}

export interface EndpointInfo {
  readonly key: string;
  readonly path: string;
  readonly id: Str;
  readonly vpc: Str;
  readonly subnets: string[];
  readonly securityGroups: Str[];
  /** The endpoint policy; undefined: none, which allows everything. */
  readonly policy?: Policy;
  /** Keys of the clusters whose connection service this endpoint connects to. */
  readonly clusters: string[];
}

export type Placement =
  | { readonly kind: 'outside-vpc'; readonly via: string }
  /** `publicIp`: it has a public address (an ECS task with assignPublicIp), so an internet gateway route reaches the internet. */
  | { readonly kind: 'vpc'; readonly via: string; readonly vpc?: Str; readonly subnets: string[]; readonly securityGroups: Str[]; readonly publicIp?: boolean }
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * How a client is declared: by the library (`grantee`, `connect-policy`, `database-role-*`) or by an
 * identity policy of its own that can allow a connect action on the cluster (`identity-policy`:
 * `fn.addToRolePolicy(...)`, a hand-written managed policy).
 */
export type ClientKind = 'grantee' | 'connect-policy' | 'database-role-principal' | 'database-role-handler' | 'identity-policy';

export interface ClientInfo {
  /** The construct path of the client, or its ARN when it is not defined in the app. */
  readonly path: string;
  readonly cluster: string;
  readonly kinds: ClientKind[];
  /** The constructs that declare it (the grant's cluster, the connect policy, the database role). */
  readonly declaredBy: string[];
  readonly actions: string[];
  readonly principal: PrincipalRef;
  /** Its identity policies; `unknown` entries stand for policies the app cannot see. */
  readonly identity: Policy[];
  /** Its permissions boundary, when it has one. */
  readonly boundary?: Policy;
  readonly placement: Placement;
  /** For the database-role handler: the construct that owns it (named by the error when it cannot connect). */
  readonly handlerOwner?: string;
  /**
   * For the database-role handler: the one route it uses (`internet` for the cluster's public host name,
   * else the path of the endpoint whose private host name it connects to). It is judged on that route only.
   */
  readonly handlerRoute?: string;
  /** Connection endpoints it uses that the model cannot see (not an interface endpoint of the app). */
  readonly unmodeledEndpoints?: string[];
}

export interface AccessModel {
  readonly clusters: ClusterInfo[];
  readonly endpoints: EndpointInfo[];
  readonly clients: ClientInfo[];
  readonly subnets: ReadonlyMap<string, SubnetInfo>;
  readonly acls: ReadonlyMap<string, Acl>;
  readonly securityGroups: ReadonlyMap<string, SecurityGroup>;
  /** Keys of VPCs that have a peering connection or a transit gateway attachment in the app. */
  readonly connectedVpcs: ReadonlySet<string>;
}

export interface RouteVerdict {
  /** `internet`, or the construct path of the endpoint. */
  readonly via: string;
  readonly allowed: boolean;
  /** The layers that certainly deny. */
  readonly deniedBy: Layer[];
  /** Not allowed, and no layer certainly denies: the app does not say. */
  readonly unknown: boolean;
  /** The layers the model could not decide. */
  readonly unknownLayers: Layer[];
  /** One line per denying or undecided layer. */
  readonly reasons: string[];
}

export interface ClientVerdict {
  readonly client: ClientInfo;
  readonly routes: RouteVerdict[];
}

export interface ClusterVerdict {
  readonly cluster: ClusterInfo;
  readonly clients: ClientVerdict[];
}
