/**
 * What the readers of the collector share: the reader of the tree and what each reader found, in the order
 * the orchestrator (`./index`) runs them.
 */
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Reader, StackCtx } from './reader';
import type { Collected, CollectedCluster, CollectedEndpoint, CollectedPolicy, Entity } from './types';
import type { Policy } from '../../private/policy/evaluate';
import type { Str } from '../../private/policy/values';
import type { AccessRegistry } from '../declarations';
import type { EndpointInfo, Placement, SubnetInfo } from '../model';
import type { Acl, SecurityGroup } from '../network';

export interface Base {
  readonly r: Reader;
  readonly registry: AccessRegistry;
  /** Constructs by model path, for annotations. */
  readonly constructs: Map<string, IConstruct>;
  /** The construct a resource stands for: its L2, or the L1 itself when it is defined straight in a stack. */
  readonly ownerOf: (c: IConstruct) => IConstruct;
  readonly parentPath: (c: IConstruct) => string;
  readonly parsePolicy: (ctx: StackCtx, doc: unknown, name: string) => Policy;
}

export interface Identities {
  /** By ARN key. */
  readonly entities: Map<string, Entity>;
  /** By `${kind}:${nameKey}`. */
  readonly entityByName: Map<string, Entity>;
  readonly identityPolicies: CollectedPolicy[];
  /** Policies attached by name: `${kind}:${nameKey}` → policies. */
  readonly attachedByName: Map<string, Policy[]>;
  /** User name key → group names. */
  readonly userGroups: Map<string, Str[]>;
  readonly ownPolicies: (e: Entity) => { policies: Policy[]; boundary?: Policy };
  /** Whether a policy of the app may allow a connect action, known before its document is read. */
  readonly mayConnectPolicies: WeakMap<Policy, boolean>;
  readonly managedPolicy: (arn: Str, owner: string) => Policy;
}

export interface Networks {
  readonly securityGroups: Map<string, SecurityGroup>;
  readonly sgRules: Collected['securityGroupRules'];
  readonly acls: Map<string, Acl>;
  readonly aclAssociations: Collected['aclAssociations'];
  readonly subnets: Map<string, SubnetInfo>;
  /** The key of a subnet id (a subnet the app does not define is added, with what is known of it). */
  readonly subnetKey: (s: Str) => string;
  readonly connectedVpcs: Set<string>;
}

export interface Placements {
  /** Lambda functions and ECS services by the ARN key of the role they use. */
  readonly functionsByRole: Map<string, CfnResource[]>;
  readonly placementOf: (cfn: CfnResource) => Placement;
  readonly samePlacement: (a: Placement, b: Placement) => boolean;
}

export interface Clusters {
  readonly clusters: CollectedCluster[];
  readonly clusterByArn: Map<string, CollectedCluster>;
}

export interface Endpoints {
  readonly endpoints: CollectedEndpoint[];
  readonly endpointInfos: EndpointInfo[];
}
