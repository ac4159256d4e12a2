import { CfnResource } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';

/**
 * A compliance rule that cannot apply to one of the library's own resources, and why.
 *
 * Written as resource metadata that cdk-nag (`cdk_nag.rules_to_suppress`) and cfn-guard
 * (`guard.SuppressedRules`) read, so the library needs neither at runtime. Every acknowledgement is listed
 * in the README ("Compliance") and proven necessary by test/compliance.
 */
export interface RuleAcknowledgement {
  /** The cdk-nag rule id, e.g. `AwsSolutions-IAM4` or `NIST.800.53.R5-LambdaDLQ`. */
  readonly id: string;
  /** Why the rule cannot apply here: specific to this resource, at least 10 characters. */
  readonly reason: string;
  /**
   * Only these findings of the rule (cdk-nag `applies_to`), e.g. `Policy::arn:<AWS::Partition>:iam::aws:policy/…`,
   * or `{ regex: '/…/' }` for findings whose text contains a logical id.
   */
  readonly appliesTo?: (string | { regex: string })[];
}

/** The L1 resource of a construct, or the resource itself. */
function cfnOf(scope: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(scope)) return scope;
  const child = scope.node.defaultChild;
  if (!child || !CfnResource.isCfnResource(child)) {
    throw new Error(`${scope.node.path} has no CloudFormation resource to acknowledge rules on`);
  }
  return child;
}

/** Acknowledge cdk-nag rules on a resource (or on the default child of a construct). */
export function acknowledgeNagRules(scope: IConstruct, acknowledgements: RuleAcknowledgement[]): void {
  const resource = cfnOf(scope);
  const existing = (resource.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as unknown[];
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [
      ...existing,
      ...acknowledgements.map(a => ({ id: a.id, reason: a.reason, ...(a.appliesTo ? { applies_to: a.appliesTo } : {}) })),
    ],
  });
}

/**
 * Acknowledge AWS Control Tower proactive controls (cfn-guard rule names such as `lambda_inside_vpc_check`)
 * on a resource. `reason` is not read by cfn-guard; it is kept next to the rule in the template for auditors.
 */
export function acknowledgeGuardRules(scope: IConstruct, ruleNames: string[], reason: string): void {
  const resource = cfnOf(scope);
  const existing = resource.getMetadata('guard') ?? {};
  resource.addMetadata('guard', {
    ...existing,
    SuppressedRules: [...(existing.SuppressedRules ?? []), ...ruleNames],
    SuppressedRulesReason: [existing.SuppressedRulesReason, reason].filter(Boolean).join(' '),
  });
}

// -------------------------------------------------------------------------------------------------------------
// The acknowledgements of the library's custom-resource functions (README "Compliance" lists them)
// -------------------------------------------------------------------------------------------------------------

const MANAGED = (name: string) => `Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}`;

const DEPLOY_TIME_ONLY = 'Custom-resource function invoked only by CloudFormation during deployments, once per change of the '
  + 'resource; reserved concurrency buys nothing and fails to deploy in accounts at the minimum unreserved concurrency.';

/**
 * Acknowledge, on the functions of a custom resource built with `custom-resources.Provider`, the rules that
 * cannot apply to them. `handler` is the library's own function (in the VPC); `provider` is aws-cdk-lib's
 * provider framework, whose onEvent function, runtime and policies aws-cdk-lib writes.
 *
 * Call it after every grant to the handler (the grants create the role's default policy).
 */
export function acknowledgeCustomResourceFunctions(handler: lambda.IFunction, provider: IConstruct,
  options: { handlerInVpc: boolean; outsideVpcReason?: string; inlinePolicyReason?: string }): void {
  // The library's handler, invoked synchronously by the provider framework.
  const outsideVpc = options.outsideVpcReason ?? ('No endpoint or vpc was given: the handler connects to the cluster\'s public endpoint over the internet, '
    + 'with TLS and an IAM token. Give `endpoint` (a DsqlPrivateLinkEndpoint) to run it in the VPC.');
  if (!options.handlerInVpc) {
    acknowledgeNagRules(handler, ['NIST.800.53.R5', 'HIPAA.Security'].map(pack => ({ id: `${pack}-LambdaInsideVPC`, reason: outsideVpc })));
    acknowledgeGuardRules(handler, ['lambda_inside_vpc_check'], `CT.LAMBDA.PR.3: ${outsideVpc}`);
  }
  acknowledgeNagRules(handler, [
    ...['NIST.800.53.R5', 'HIPAA.Security'].map(pack => ({ id: `${pack}-LambdaConcurrency`, reason: DEPLOY_TIME_ONLY })),
    ...['NIST.800.53.R5', 'HIPAA.Security'].map(pack => ({
      id: `${pack}-LambdaDLQ`,
      reason: 'Invoked synchronously by the custom-resource provider framework: a dead-letter queue only receives failed '
        + 'asynchronous invocations, and a failure is reported to CloudFormation, which rolls the deployment back.',
    })),
  ]);
  const handlerPolicies = [MANAGED('AWSLambdaBasicExecutionRole')];
  if (options.handlerInVpc) handlerPolicies.push(MANAGED('AWSLambdaVPCAccessExecutionRole'));
  acknowledgeRole(handler, handlerPolicies, options.inlinePolicyReason
    ?? ('The only inline statement is dsql:DbConnectAdmin on this one cluster, for this function\'s own role: it cannot be '
    + 'attached to another identity and is deleted with the function.'));

  // aws-cdk-lib's provider framework function.
  const framework = provider.node.tryFindChild('framework-onEvent') as lambda.IFunction | undefined;
  if (!framework) return;
  acknowledgeNagRules(framework, [
    {
      id: 'AwsSolutions-L1',
      reason: 'Runtime chosen by aws-cdk-lib\'s custom-resource provider framework (the newest Node.js runtime it knows '
        + 'for the Region), not by this library.',
    },
    ...['NIST.800.53.R5', 'HIPAA.Security'].flatMap(pack => [
      { id: `${pack}-LambdaConcurrency`, reason: DEPLOY_TIME_ONLY },
      {
        id: `${pack}-LambdaDLQ`,
        reason: 'Invoked by CloudFormation for custom-resource events, which CloudFormation tracks and times out itself: '
          + 'a dead-letter queue would hold events that nobody replays.',
      },
      {
        id: `${pack}-LambdaInsideVPC`,
        reason: 'The provider framework only invokes the handler through the Lambda API and answers CloudFormation through '
          + 'a pre-signed S3 URL; it reaches nothing in the VPC, and in an isolated VPC it would need Lambda and S3 endpoints.',
      },
    ]),
  ]);
  acknowledgeGuardRules(framework, ['lambda_inside_vpc_check'],
    'CT.LAMBDA.PR.3: the custom-resource provider framework reaches nothing in the VPC (Lambda API and a pre-signed S3 URL only).');
  acknowledgeRole(framework, [MANAGED('AWSLambdaBasicExecutionRole')],
    'Written by aws-cdk-lib\'s provider framework: lambda:InvokeFunction and lambda:GetFunction on the one handler '
    + 'function, for the framework function\'s own role; deleted with it.', [{
      id: 'AwsSolutions-IAM5',
      reason: 'Written by aws-cdk-lib\'s provider framework: lambda:InvokeFunction on the handler function and its versions '
        + '(<handler ARN>:*), nothing else.',
      appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/g' }],
    }]);
}

/** Acknowledge the AWS managed policies of a function's role and the inline (default) policy aws-cdk-lib writes. */
function acknowledgeRole(fn: lambda.IFunction, managedPolicies: string[], inlineReason: string, extra: RuleAcknowledgement[] = []): void {
  const role = fn.role;
  if (!role || !role.node.defaultChild) return;
  acknowledgeNagRules(role, [{
    id: 'AwsSolutions-IAM4',
    reason: 'AWS managed policies that aws-cdk-lib attaches to a Lambda function\'s role: CloudWatch Logs writes (and, in a VPC, '
      + 'the network-interface actions Lambda needs); they grant no access to data.',
    appliesTo: managedPolicies,
  }]);
  const defaultPolicy = role.node.tryFindChild('DefaultPolicy');
  if (!defaultPolicy) return;
  acknowledgeNagRules(defaultPolicy, [
    ...['NIST.800.53.R5', 'HIPAA.Security'].map(pack => ({ id: `${pack}-IAMNoInlinePolicy`, reason: inlineReason })),
    ...extra,
  ]);
}
