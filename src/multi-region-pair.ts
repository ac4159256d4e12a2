import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { DsqlRecommendedAlarmsOptions, IDsqlRecommendedAlarms } from './alarms-ref';
import type { DsqlBackupPlanOptions, IDsqlBackupPlan } from './backup-ref';
// A factory may import the construct it creates.
import { SecureDsqlCluster } from './cluster';
import type { DsqlConnectConditions } from './connect-conditions';
import { MultiRegionPeering } from './multi-region-peering';
import { fail, failureMessage, throwProblems } from './private/errors';
import { REGION } from './private/facts/patterns';
import { regionTripletProblem } from './private/facts/regions';
import { registerPeers } from './private/pairs';
import { PropRule, checkPropShape } from './private/prop-shape';
import { regionOfNetworkId } from './private/vpc-endpoints';

/** The conditions that name resources of one Region (VPCs, VPC endpoints). */
const REGIONAL_KEYS = ['sourceVpcIds', 'sourceVpcEndpointIds'] as const;

/**
 * One cluster of a DsqlMultiRegionPair: the stack (and so the Region) it is created in.
 */
export interface DsqlMultiRegionPairMember {
  /** The stack the cluster is created in. Its account and Region must be concrete. */
  readonly stack: Stack;

  /**
   * A customer-managed key of this Region that encrypts this cluster. Give one for each cluster or none.
   *
   * @default - an AWS-owned key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A name for the cluster (its `Name` tag).
   *
   * @default - no Name tag
   */
  readonly clusterName?: string;

  /**
   * Who may connect to this cluster and from where, added to the pair's `connectConditions`. VPCs and VPC
   * endpoints belong to one Region: give `sourceVpcIds` and `sourceVpcEndpointIds` here, per cluster, with the
   * VPCs and endpoints of this cluster's Region (one known to be in the other Region is refused). A key may be
   * given here or in the pair's `connectConditions`, not in both.
   *
   * @default - the pair's `connectConditions` only
   */
  readonly connectConditions?: DsqlConnectConditions;
}

/**
 * Properties of a DsqlMultiRegionPair.
 */
export interface DsqlMultiRegionPairProps {
  /** The first cluster: created first, with the witness Region and no peer. */
  readonly first: DsqlMultiRegionPairMember;

  /**
   * The second cluster, whose stack also holds the peering resource. The stack must depend on nothing of the
   * first stack's but the pair, and must be created with `crossRegionReferences: true` (it reads the first
   * cluster's ARN across Regions).
   */
  readonly second: DsqlMultiRegionPairMember;

  /**
   * The witness Region: a third Region of the same documented Region set as both clusters (for example
   * us-east-1 and us-east-2 with us-west-2).
   */
  readonly witnessRegion: string;

  /**
   * Who may connect and from where, rendered into both clusters' resource-based policies together with each
   * member's own `connectConditions`. Layer: resource policy (per cluster) — binds every principal.
   *
   * Conditions that mean the same in both Regions only: principals, organizations, public `sourceIps`,
   * `vpcSourceIps`, `blockPublicAccess`. `sourceVpcIds` and `sourceVpcEndpointIds` name resources of one
   * Region and are refused here: give them per cluster (`first.connectConditions`, `second.connectConditions`).
   *
   * @default - no resource policy conditions
   */
  readonly connectConditions?: DsqlConnectConditions;

  /**
   * Deletion protection of both clusters.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to both clusters when they leave their stacks.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The shape of the props (src/private/prop-shape.ts): what a JavaScript or jsii caller may get wrong. */
const PAIR_SHAPE: PropRule[] = [
  ...(['first', 'second'] as const).flatMap((m): PropRule[] => [
    { path: m, kind: 'object', required: true, fix: `Give ${m} as { stack } with the stack of that cluster's Region.` },
    { path: `${m}.stack`, kind: 'object', required: true, fix: `Give ${m}.stack, the stack (and so the Region) of that cluster.` },
    { path: `${m}.encryptionKey`, kind: 'object', fix: 'Give a kms.IKey of that Region, or leave it out.' },
    { path: `${m}.clusterName`, kind: 'string', fix: 'Give the name as a string, or leave it out.' },
    { path: `${m}.connectConditions`, kind: 'object', fix: `Give ${m}.connectConditions as an object, or leave it out.` },
  ]),
  { path: 'witnessRegion', kind: 'string', required: true, fix: 'Give a third Region of the same Region set, e.g. witnessRegion: "us-west-2".' },
  { path: 'connectConditions', kind: 'object', fix: 'Give connectConditions as an object, or leave it out.' },
  { path: 'deletionProtection', kind: 'boolean', fix: 'Give true or false, or leave it out (true).' },
];

/**
 * A multi-Region Aurora DSQL cluster: two peered clusters, each in its own Region's stack, created and
 * peered by one `cdk deploy --all`.
 *
 * CloudFormation creates both clusters with the witness Region only (a multi-Region cluster waits in
 * PENDING_SETUP until peered). A custom resource in the second stack then peers them as the Aurora DSQL
 * User Guide does (UpdateCluster on each with the other's ARN) and waits until both are ACTIVE; it acts on
 * these two clusters only and never unpeers. Both clusters get the pair's `connectConditions`, and each its
 * member's own (the VPCs and endpoints of its Region).
 *
 * Deployment order: the first stack, then the second (the second depends on the first). See README
 * "Multi-Region pair".
 */
export class DsqlMultiRegionPair extends Construct {
  /** The first cluster. */
  public readonly firstCluster: SecureDsqlCluster;
  /** The second cluster. */
  public readonly secondCluster: SecureDsqlCluster;
  /** The witness Region. */
  public readonly witnessRegion: string;

  constructor(scope: Construct, id: string, props: DsqlMultiRegionPairProps) {
    super(scope, id);
    checkPropShape(this, props, PAIR_SHAPE);
    const first = this.member('first', props.first);
    const second = this.member('second', props.second);
    this.validate(props, first, second);
    this.witnessRegion = props.witnessRegion;

    const common = {
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      multiRegion: { witnessRegion: props.witnessRegion },
    };
    this.firstCluster = new SecureDsqlCluster(props.first.stack, `${id}-${first.region}`, {
      ...common,
      connectConditions: this.conditionsOf('first', props, first.region, second.region),
      clusterName: props.first.clusterName,
      encryptionKey: props.first.encryptionKey,
    });
    this.secondCluster = new SecureDsqlCluster(props.second.stack, `${id}-${second.region}`, {
      ...common,
      connectConditions: this.conditionsOf('second', props, second.region, first.region),
      clusterName: props.second.clusterName,
      encryptionKey: props.second.encryptionKey,
    });
    registerPeers(this.firstCluster, this.secondCluster);

    // The second cluster is peered after the first exists. `node.addDependency` between stacks is a stack
    // dependency in every aws-cdk-lib 2.x (Stack#addDependency is deprecated in the newest ones).
    props.second.stack.node.addDependency(props.first.stack);
    // In the second cluster's scope: the peering belongs to the pair, and runs once the second cluster exists.
    new MultiRegionPeering(this.secondCluster, 'Peering', {
      first: this.firstCluster,
      firstResource: this.firstCluster.cfnCluster,
      second: this.secondCluster,
      secondResource: this.secondCluster.cfnCluster,
      witnessRegion: props.witnessRegion,
    });
  }

  /** Both clusters, first then second. */
  public get clusters(): SecureDsqlCluster[] {
    return [this.firstCluster, this.secondCluster];
  }

  /**
   * Protect both clusters with AWS Backup: one selection per Region (AWS Backup makes a separate backup of
   * each cluster of a multi-Region cluster), each in its cluster's scope with the id given.
   *
   * @param id the id of each DsqlBackupPlan
   * @param firstOptions options for the first cluster's Region (plan, vault, key of that Region)
   * @param secondOptions options for the second cluster's Region
   */
  public addBackupPlan(id: string, firstOptions?: DsqlBackupPlanOptions, secondOptions?: DsqlBackupPlanOptions): IDsqlBackupPlan[] {
    return [this.firstCluster.addBackupPlan(id, firstOptions), this.secondCluster.addBackupPlan(id, secondOptions)];
  }

  /**
   * The recommended alarms of both clusters, each in its cluster's Region, with the same options.
   */
  public addRecommendedAlarms(options?: DsqlRecommendedAlarmsOptions): IDsqlRecommendedAlarms[] {
    if (options?.alarmTopic || options?.alarmAction) {
      fail(this, 'addRecommendedAlarms(options)', 'alarmTopic/alarmAction', 'would send both Regions\' alarms to one Region\'s topic or action',
        'Call addRecommendedAlarms on each cluster (pair.firstCluster, pair.secondCluster) with a topic of its Region.');
    }
    return this.clusters.map((cluster) => cluster.addRecommendedAlarms(options));
  }

  /**
   * The conditions of one cluster: the pair's and the member's, which may not set the same key. A VPC or
   * endpoint id the app knows to be in the other Region is refused (it could never match this cluster).
   */
  private conditionsOf(prop: 'first' | 'second', props: DsqlMultiRegionPairProps, region: string, otherRegion: string): DsqlConnectConditions | undefined {
    const shared = props.connectConditions;
    const own = props[prop].connectConditions;
    if (!shared && !own) return undefined;
    const problems: string[] = [];
    for (const key of REGIONAL_KEYS) {
      if (shared?.[key]) {
        problems.push(failureMessage(this, `connectConditions.${key}`, shared[key], 'names VPCs or endpoints, which belong to one Region, for both clusters of the pair: '
          + 'the other cluster could be reached through none of them', `Give ${key} per cluster: first.connectConditions.${key} and second.connectConditions.${key}, `
          + 'each with the ids of its own Region.'));
      }
    }
    for (const key of Object.keys(own ?? {}) as Array<keyof DsqlConnectConditions>) {
      if (own![key] !== undefined && shared?.[key] !== undefined) {
        problems.push(failureMessage(this, `${prop}.connectConditions.${key}`, own![key], 'is also given in the pair\'s connectConditions',
          `Give ${key} in one place: the pair's connectConditions for both clusters, or each member's for its own.`));
      }
    }
    for (const key of REGIONAL_KEYS) {
      const ids = own?.[key];
      if (!Array.isArray(ids)) continue; // absent, or a shape the cluster reports
      for (const id of ids) {
        const where = regionOfNetworkId(this, id);
        if (where !== undefined && where !== region) {
          problems.push(failureMessage(this, `${prop}.connectConditions.${key}`, id, `is ${key === 'sourceVpcIds' ? 'a VPC' : 'an endpoint'} of Region ${where}, `
            + `but the ${prop} cluster is in ${region}: it could never match a connection to that cluster`,
          where === otherRegion
            ? `Move it to the other member's connectConditions.${key}, and list a ${key === 'sourceVpcIds' ? 'VPC' : 'endpoint'} of ${region} here.`
            : `List the ${key === 'sourceVpcIds' ? 'VPCs' : 'endpoints'} of ${region} here.`));
        }
      }
    }
    throwProblems(this, problems);
    // Only the keys the member gives: a key present but undefined must not erase the pair's value for it.
    const given = Object.fromEntries(Object.entries(own ?? {}).filter(([, v]) => v !== undefined)) as DsqlConnectConditions;
    return { ...shared, ...given };
  }

  private member(prop: 'first' | 'second', member: DsqlMultiRegionPairMember): { region: string; account: string } {
    const { region, account } = member.stack;
    if (Token.isUnresolved(region) || Token.isUnresolved(account)) {
      fail(this, `${prop}.stack`, member.stack.node.path, 'has no concrete account and Region',
        'Create the stack with env: { account: \'123456789012\', region: \'us-east-1\' }: the Regions of a pair are checked at synth.');
    }
    if (!REGION.test(region)) fail(this, `${prop}.stack`, region, 'is not in an AWS Region', 'Give the stack a Region such as "us-east-1".');
    const key = member.encryptionKey;
    if (key && !Token.isUnresolved(key.env.region) && key.env.region !== region) {
      fail(this, `${prop}.encryptionKey`, key.node.path, `is in Region ${key.env.region}, but the cluster is in ${region}`,
        'Give each cluster a customer-managed key of its own Region.');
    }
    return { region, account };
  }

  private validate(props: DsqlMultiRegionPairProps, first: { region: string; account: string }, second: { region: string; account: string }): void {
    if (props.first.stack === props.second.stack) {
      fail(this, 'second.stack', props.second.stack.node.path, 'is the stack of the first cluster', 'Give each cluster a stack in its own Region.');
    }
    if (first.account !== second.account) {
      fail(this, 'second.stack', second.account, `is in another account than the first stack (${first.account})`,
        'Peered clusters live in one account: deploy both stacks to the same account.');
    }
    const witness = props.witnessRegion;
    if (Token.isUnresolved(witness) || !REGION.test(witness)) {
      fail(this, 'witnessRegion', witness, 'is not an AWS Region name', 'Give a third Region of the same Region set, e.g. "us-west-2".');
    }
    const problem = regionTripletProblem(first.region, second.region, witness);
    if (problem) {
      fail(this, 'witnessRegion', witness, `with clusters in ${first.region} and ${second.region} ${problem}`,
        'Pick three Regions of one set, e.g. clusters in us-east-1 and us-east-2 with witness us-west-2 (README "Multi-Region pair").');
    }
    if (!!props.first.encryptionKey !== !!props.second.encryptionKey) {
      fail(this, props.first.encryptionKey ? 'second.encryptionKey' : 'first.encryptionKey', undefined,
        'is not given, but the other cluster has a customer-managed key',
        'Give each cluster a customer-managed key of its own Region, or neither.');
    }
    const crossRegion = (props.second.stack as unknown as { _crossRegionReferences?: boolean })._crossRegionReferences;
    if (crossRegion === false) {
      fail(this, 'second.stack', props.second.stack.node.path, 'was created without crossRegionReferences, so it cannot read the first cluster\'s ARN',
        `Create it with new Stack(app, '${props.second.stack.node.id}', { env, crossRegionReferences: true }).`);
    }
  }
}
