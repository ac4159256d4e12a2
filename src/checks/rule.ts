/**
 * The shape of a DsqlSecurityChecks rule: a small pure function over one CloudFormation resource (its type and
 * resolved properties) and a read-only view of the other resources of the same stack, in the manner of cdk-nag.
 *
 * Nothing here depends on constructs: the aspect builds the views, the rules only read them.
 */

/** How a rule judges a resource. */
export enum Compliance {
  COMPLIANT = 'compliant',
  NON_COMPLIANT = 'non-compliant',
  NOT_APPLICABLE = 'not-applicable',
}

/** The level a rule reports at when it runs (a `strict` rule runs only in the strict level or when `ruleLevels` names it). */
export type RuleLevel = 'warning' | 'error';

/**
 * Which of the library's constructs created a resource, when that construct already checks the resource
 * itself at synth (so that the rules do not report twice what the library refuses or needs by design).
 */
export type { LibraryOwner } from '../private/owner-marker';
import type { LibraryOwner } from '../private/owner-marker';

/** One resource of the template, resolved. */
export interface ResourceView {
  readonly logicalId: string;
  /** The CloudFormation type, e.g. `AWS::DSQL::Cluster`. */
  readonly type: string;
  /** The resolved `Properties` (intrinsics such as `Ref` and `Fn::GetAtt` stay objects). */
  readonly properties: Record<string, any>;
  /** The resolved `Metadata`. */
  readonly metadata: Record<string, any>;
  /** Set when one of the library's constructs created the resource. */
  readonly owner?: LibraryOwner;
}

/**
 * The resources of one stack, and what is known of its environment. The aspect resolves a resource only when a
 * rule reads it (`resources.get`, `ofType`); iterating `resources` resolves them all.
 */
export interface TemplateView {
  readonly resources: ReadonlyMap<string, ResourceView>;
  /** The stack's account when it is known at synth (a 12-digit literal), else undefined. */
  readonly account?: string;
  /** The resources of one type, resolved; without it, `resources` is filtered. */
  ofType?(type: string): ResourceView[];
  /**
   * The literal CIDR blocks the app knows for a VPC that is not a resource of the template, by its literal id (an
   * imported VPC: `Vpc.fromLookup`, `Vpc.fromVpcAttributes` with `vpcCidrBlock`); empty when none is known.
   */
  importedVpcCidrs?(vpcId: string): string[];
}

/** The verdict of a rule on one resource; `details` say what exactly is wrong. */
export interface RuleResult {
  readonly compliance: Compliance;
  readonly details?: string[];
}

/** A rule of the pack. */
export interface DsqlRule {
  /** The rule id, e.g. `DSQL-C1`; the key of suppressions. */
  readonly id: string;
  readonly level: RuleLevel;
  /** What the rule looks for, for the README rule table. */
  readonly summary: string;
  /** Why a finding matters, one line without a final period. */
  readonly reason: string;
  /** How to fix it, one or two sentences. */
  readonly fix: string;
  /** The resource types the rule inspects. */
  readonly resourceTypes: readonly string[];
  /**
   * The rule belongs to the strict level (`DsqlSecurityChecks({ strict: true })`): it reports a library default
   * or a choice some teams do not accept (the AWS-owned key, no connection audit), so the default pack, quiet on
   * the library's defaults, leaves it out. @default false
   */
  readonly strict?: boolean;
  evaluate(resource: ResourceView, template: TemplateView): RuleResult;
}

export const COMPLIANT: RuleResult = { compliance: Compliance.COMPLIANT };
export const NOT_APPLICABLE: RuleResult = { compliance: Compliance.NOT_APPLICABLE };

/** Non-compliant with these details; compliant when there are none. */
export function findings(details: string[]): RuleResult {
  return details.length > 0 ? { compliance: Compliance.NON_COMPLIANT, details } : COMPLIANT;
}

/** The annotation text of a finding: `[<id>] <reason> (<details>). Fix: <fix>`. */
export function findingMessage(rule: Pick<DsqlRule, 'id' | 'reason' | 'fix'>, details: readonly string[] = []): string {
  const where = details.length > 0 ? ` (${details.join('; ')})` : '';
  return `[${rule.id}] ${rule.reason}${where}. Fix: ${rule.fix}`;
}
