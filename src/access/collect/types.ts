/**
 * What the collector hands to the evaluator and the checks, and the shapes its readers share.
 */
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { StackCtx } from './reader';
import type { IDsqlCluster } from '../../cluster-ref';
import { Policy } from '../../private/policy/evaluate';
import { Str } from '../../private/policy/values';
import { AccessModel, ClusterInfo } from '../model';
import { SgRule } from '../network';

/** What the pass found, and how to read it. */
export interface Collected {
  readonly model: AccessModel;
  /** The raw material of the checks. */
  readonly clusters: CollectedCluster[];
  readonly endpoints: CollectedEndpoint[];
  readonly identityPolicies: CollectedPolicy[];
  readonly aclAssociations: Array<{ subnet: string; subnetPath: string; acl: string; aclPath: string; path: string }>;
  readonly securityGroupRules: Array<{ group: string; rule: SgRule; ingress: boolean; inlineOf?: IConstruct; construct: IConstruct }>;
  /** Constructs by model path, for annotations. */
  readonly constructs: ReadonlyMap<string, IConstruct>;
  /** How many constructs the pass visited. */
  readonly constructCount: number;
}

export interface CollectedCluster {
  readonly info: ClusterInfo;
  readonly construct: IConstruct;
  readonly cfn?: CfnResource;
  /** The ids of the holes of this cluster's own attributes (`<stack>/<logicalId>`). */
  readonly selfId?: string;
  readonly stackPath?: string;
  readonly declared?: IDsqlCluster;
}

export interface CollectedEndpoint {
  readonly key: string;
  readonly path: string;
  readonly construct: IConstruct;
  readonly cfn: CfnResource;
  readonly serviceName?: Str;
  readonly policy?: Policy;
  readonly management: boolean;
  /** Registered DsqlPrivateLinkEndpoint that owns it. */
  readonly library?: IConstruct;
  readonly securityGroups: Str[];
  readonly stackPath: string;
  /** The id of the hole its `Ref` is (`<stack>/<logicalId>`). */
  readonly holeId: string;
  /** Ids of every hole in its properties. */
  readonly refersTo: Set<string>;
}

export interface CollectedPolicy {
  readonly policy: Policy;
  readonly construct: IConstruct;
}

export interface Entity {
  readonly kind: 'role' | 'user' | 'group';
  readonly cfn: CfnResource;
  readonly ctx: StackCtx;
  readonly arn: Str;
  readonly name: Str;
  readonly path: string;
}
