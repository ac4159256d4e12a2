import { createHash } from 'crypto';
import { CfnResource, CustomResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { IDsqlCluster } from './cluster-ref';
import { PEERING_RESOURCE_TYPE, PeeringResourceProperties } from './handlers/dsql-cluster/properties';
import { PeeringCompleteFunction } from './handlers/peering-complete-function';
import { PeeringFunction } from './handlers/peering-function';
import { PEERING_HANDLER_ACTIONS } from './private/facts/actions';
import { acknowledgeCustomResourceFunctions, acknowledgeNagRules } from './private/nag';

/** Properties of MultiRegionPeering. */
export interface MultiRegionPeeringProps {
  /** The first cluster (created first, in its own stack). */
  readonly first: IDsqlCluster;
  /** Its L1 resource, whose template the generation digest covers. */
  readonly firstResource: CfnResource;
  /** The second cluster, in the stack of this construct. */
  readonly second: IDsqlCluster;
  readonly secondResource: CfnResource;
  /** The witness Region both clusters name. */
  readonly witnessRegion: string;
}


/**
 * The custom resource that peers the two clusters of a DsqlMultiRegionPair, in the second cluster's stack.
 * Internal: DsqlMultiRegionPair creates it.
 *
 * Its functions may call, on the two cluster ARNs only: dsql:GetCluster (both), and for the onEvent handler
 * dsql:UpdateCluster, dsql:PutMultiRegionProperties, dsql:AddPeerCluster and dsql:PutWitnessRegion (for
 * the pair's witness Region only). No dsql:RemovePeerCluster: it cannot unpeer.
 */
export class MultiRegionPeering extends Construct {
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MultiRegionPeeringProps) {
    super(scope, id);
    const arns = [props.first.clusterArn, props.second.clusterArn];

    const onEvent = new PeeringFunction(this, 'Handler', {
      description: 'secure-dsql: peers the two Aurora DSQL clusters of a multi-Region pair',
      timeout: Duration.minutes(2),
      memorySize: 256,
    });
    onEvent.addToRolePolicy(new iam.PolicyStatement({ sid: 'PeerThePairOnly', actions: [...PEERING_HANDLER_ACTIONS], resources: arns }));
    onEvent.addToRolePolicy(new iam.PolicyStatement({
      sid: 'KeepThePairWitness',
      actions: ['dsql:PutWitnessRegion'],
      resources: arns,
      conditions: { StringEquals: { 'dsql:WitnessRegion': props.witnessRegion } },
    }));
    const isComplete = new PeeringCompleteFunction(this, 'CompleteHandler', {
      description: 'secure-dsql: waits until both clusters of a multi-Region pair are ACTIVE and peered',
      timeout: Duration.minutes(1),
      memorySize: 256,
    });
    isComplete.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadThePairOnly', actions: ['dsql:GetCluster'], resources: arns }));

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: Duration.seconds(30),
      totalTimeout: Duration.hours(1),
    });
    const outsideVpc = 'The handler calls only the Aurora DSQL control-plane API of the two clusters (GetCluster, UpdateCluster) '
      + 'over HTTPS with SigV4, at deploy time; it reaches nothing in a VPC.';
    acknowledgeCustomResourceFunctions(onEvent, provider, {
      handlerInVpc: false,
      outsideVpcReason: outsideVpc,
      inlinePolicyReason: 'The only inline statements are GetCluster, UpdateCluster, PutMultiRegionProperties, AddPeerCluster and '
        + 'PutWitnessRegion (for the pair\'s witness Region) on the two clusters of the pair, for this function\'s own role.',
    });
    acknowledgeCustomResourceFunctions(isComplete, new Construct(this, 'NoFramework'), {
      handlerInVpc: false,
      outsideVpcReason: outsideVpc,
      inlinePolicyReason: 'The only inline statement is dsql:GetCluster on the two clusters of the pair, for this function\'s own role.',
    });
    acknowledgeWaiter(provider);

    const properties: PeeringResourceProperties = {
      ClusterArns: arns,
      Regions: [props.first.env.region, props.second.env.region],
      Account: props.first.env.account,
      WitnessRegion: props.witnessRegion,
      Generation: Lazy.string({ produce: () => generation(props.firstResource, props.secondResource) }),
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: PEERING_RESOURCE_TYPE,
      properties: properties as unknown as Record<string, unknown>,
    });
  }
}

/**
 * A digest of the CloudFormation definitions of both clusters. It changes whenever either cluster's template
 * changes, so the peering resource is updated in the same `cdk deploy --all` and re-asserts the peering; it
 * does not change otherwise, so a deployment without changes does nothing.
 */
function generation(first: CfnResource, second: CfnResource): string {
  const render = (r: CfnResource) => Stack.of(r).resolve((r as unknown as { _toCloudFormation(): unknown })._toCloudFormation());
  return createHash('sha256').update(JSON.stringify([render(first), render(second)])).digest('hex').slice(0, 32);
}

/**
 * The provider framework's isComplete/onTimeout functions and its waiter state machine, which aws-cdk-lib
 * writes when a Provider has an isComplete handler: the rules that cannot apply to them.
 */
function acknowledgeWaiter(provider: cr.Provider): void {
  const invokeOnly = (what: string) => ({
    id: 'AwsSolutions-IAM5',
    reason: `Written by aws-cdk-lib's provider framework: lambda:InvokeFunction on ${what} and its versions (<function ARN>:*), nothing else.`,
    appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/g' }],
  });
  for (const id of ['framework-isComplete', 'framework-onTimeout']) {
    const fn = provider.node.tryFindChild(id) as lambda.IFunction | undefined;
    if (!fn) continue;
    acknowledgeCustomResourceFunctions(fn, new Construct(provider, `${id}-acknowledgements`), {
      handlerInVpc: false,
      outsideVpcReason: 'aws-cdk-lib\'s provider framework: it only invokes the peering handlers through the Lambda API and answers '
        + 'CloudFormation through a pre-signed S3 URL; it reaches nothing in a VPC.',
      inlinePolicyReason: 'Written by aws-cdk-lib\'s provider framework on the framework function\'s own role: invoke and describe the '
        + 'two peering handlers of this one custom resource; deleted with it.',
    });
    acknowledgeNagRules(fn, [{
      id: 'AwsSolutions-L1',
      reason: 'Runtime chosen by aws-cdk-lib\'s custom-resource provider framework (the newest Node.js runtime it knows for the Region), '
        + 'not by this library.',
    }]);
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy) acknowledgeNagRules(policy, [invokeOnly('the two peering handlers')]);
  }
  const waiter = provider.node.tryFindChild('waiter-state-machine');
  if (!waiter) return;
  acknowledgeNagRules(waiter, [
    {
      id: 'AwsSolutions-SF1',
      reason: 'aws-cdk-lib\'s provider-framework waiter: it only calls isComplete every 30 seconds until the peering is done; the '
        + 'handlers log every decision to CloudWatch Logs, and the execution history is kept by Step Functions.',
    },
    {
      id: 'AwsSolutions-SF2',
      reason: 'aws-cdk-lib\'s provider-framework waiter, run once per deployment of the peering: a trace of its polling loop shows nothing '
        + 'the handlers\' logs do not.',
    },
  ]);
  const role = waiter.node.tryFindChild('Role');
  const policy = role?.node.tryFindChild('DefaultPolicy');
  if (policy) {
    acknowledgeNagRules(policy, [
      invokeOnly('the framework\'s isComplete and onTimeout functions'),
      ...['NIST.800.53.R5', 'HIPAA.Security'].map((pack) => ({
        id: `${pack}-IAMNoInlinePolicy`,
        reason: 'Written by aws-cdk-lib\'s provider framework on the waiter\'s own role: invoke the framework\'s isComplete and onTimeout '
          + 'functions of this one custom resource; deleted with it.',
      })),
    ]);
  }
}
