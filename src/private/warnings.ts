import { Annotations, App } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Every warning of the library, by id: the one list. Each id is what `Annotations.of(scope).acknowledgeWarning(id,
 * reason)` takes. The README table "Warnings" lists each one; test/warnings.test.ts checks both directions
 * and that no source file spells an id outside this list.
 */
export const WARNING_IDS = {
  /** connectConditions.sourceIps lists private blocks, which aws:SourceIp never carries. */
  privateSourceIp: 'secure-dsql:private-source-ip',
  /** connectConditions.vpcSourceIps lists blocks outside the private ranges. */
  publicVpcSourceIp: 'secure-dsql:public-vpc-source-ip',
  /** A client of the endpoint given as a token CIDR block, unchecked at synth. */
  tokenClientCidr: 'secure-dsql:token-client-cidr',
  /** A client of the endpoint given as a prefix list, whose entries are unknown at synth. */
  prefixListClient: 'secure-dsql:prefix-list-client',
  /** The endpoint placed explicitly in public subnets. */
  endpointPublicSubnet: 'secure-dsql:endpoint-public-subnet',
  /** The endpoint with private DNS off. */
  privateDnsOff: 'secure-dsql:private-dns-off',
  /** Another DSQL endpoint with private DNS in the same VPC, whose service name is known only at deploy time. */
  privateDnsMayConflict: 'secure-dsql:private-dns-may-conflict',
  /** A security group, network ACL or subnet of the private path that the app cannot tag. */
  untaggedPrivatePath: 'secure-dsql:untagged-private-path',
  /** A guardrail on one cluster of a multi-Region pair whose peer no guardrail guards. */
  unguardedPeer: 'secure-dsql:unguarded-peer',
  /** multiRegion only partly checked (environment-agnostic stack). */
  multiRegionUnchecked: 'secure-dsql:multi-region-unchecked',
  /** An imported customer-managed key whose policy the library cannot extend. */
  importedKeyPolicy: 'secure-dsql:imported-key-policy',
  /** The account's Region opt-in to Aurora DSQL in AWS Backup, which is not a CloudFormation resource. */
  backupOptIn: 'secure-dsql:backup-opt-in',
  /** Database roles whose state the handler can check by name only. */
  databaseRoleStateByName: 'secure-dsql:database-role-state-by-name',
  /** A declared client that cannot connect through every layer (access model). */
  clientCannotConnect: 'secure-dsql:client-cannot-connect',
  /** An account root principal in an allow-list (access model). */
  rootPrincipalArn: 'secure-dsql:root-principal-arn',
  /** A network allow-list known only at deploy time (access model). */
  deployTimeNetworkValue: 'secure-dsql:deploy-time-network-allow-list',
  /** The database-role handler's own route cannot be decided at synth (access model). */
  handlerRouteUnknown: 'secure-dsql:handler-route-unknown',
  /** A connection audit's rule on unlisted principals left out for a cluster whose allowed principals it cannot match exactly. */
  auditUnlistedRuleSkipped: 'secure-dsql:audit-unlisted-rule-skipped',
  /** The access model failed to analyse the app. */
  accessModelFailed: 'secure-dsql:access-model-failed',
} as const;

/**
 * Whether warning `id` is acknowledged on `scope` or an ancestor (`Annotations.of(x).acknowledgeWarning(id, …)`),
 * read from aws-cdk-lib's record of acknowledgements (by construct path), without adding anything.
 */
export function isAcknowledged(scope: IConstruct, id: string): boolean {
  const app = App.of(scope) as unknown as Record<symbol, { acks?: Map<string, Set<string>> } | undefined> | undefined;
  const acks = app?.[Symbol.for('@aws-cdk/core.Acknowledgements')]?.acks;
  if (!acks || acks.size === 0) return false;
  for (const s of scope.node.scopes) {
    if (acks.get(s.node.path.replace(/^\//, ''))?.has(id)) return true;
  }
  return false;
}

/**
 * A warning added at synth (in a validation), unless it was acknowledged on the construct itself or an ancestor.
 * aws-cdk-lib honours an acknowledgement made before the warning only on ancestors, and these warnings are added
 * after the app's own code: so the construct's own acknowledgements are looked up too. `message` is built only
 * when the warning is not acknowledged.
 */
export function warnAtSynth(scope: IConstruct, id: string, message: string | (() => string)): void {
  if (isAcknowledged(scope, id)) return;
  Annotations.of(scope).addWarningV2(id, typeof message === 'function' ? message() : message);
}
