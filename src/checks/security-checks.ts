import { Annotations, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { mayBeJudged } from './filter';
import { Compliance, DsqlRule, findingMessage } from './rule';
import { RULES } from './rules';
import { SUPPRESSION_RULE, readSuppressions } from './suppressions';
import { StackIndex } from './view';
import { DsqlValidationError } from '../private/errors';

/**
 * The level of a DsqlSecurityChecks rule.
 */
export enum DsqlCheckLevel {
  /** Report findings as warnings (`cdk synth` goes on; `--strict` fails). */
  WARNING = 'warning',
  /** Report findings as errors (`cdk synth` fails). */
  ERROR = 'error',
  /** Do not run the rule. */
  OFF = 'off',
}

/**
 * Properties of DsqlSecurityChecks.
 */
export interface DsqlSecurityChecksProps {
  /**
   * Change the level of rules by id, e.g. `{ 'DSQL-C2': DsqlCheckLevel.ERROR }` to fail the synth on a cluster
   * without a restricting resource policy, or `{ 'DSQL-C4': DsqlCheckLevel.WARNING }` to run that rule of the strict
   * level alone.
   *
   * `DSQL-S1` (invalid suppressions) cannot be changed. An unknown id is an error.
   *
   * @default - every rule at its own level (README "DsqlSecurityChecks" lists them)
   */
  readonly ruleLevels?: { [ruleId: string]: DsqlCheckLevel };

  /**
   * Also run the rules of the strict level, which report library defaults or choices that some teams do not
   * accept: `DSQL-C4` (a cluster encrypted with the AWS-owned key) and `DSQL-C5` (a cluster whose connection
   * attempts no trail of its stack records). The default pack is quiet on the library's secure defaults. A strict rule named in `ruleLevels` with `WARNING` or `ERROR` runs without `strict` too.
   *
   * @default false - the default level (README "DsqlSecurityChecks" lists the rules of each level)
   */
  readonly strict?: boolean;

  /**
   * Add an info annotation for each finding that a suppression hides, with the suppression's reason, so that
   * reviews see what was accepted.
   *
   * @default false
   */
  readonly logSuppressed?: boolean;
}

/**
 * A rule pack for Aurora DSQL wiring in any CDK app: `Aspects.of(app).add(new DsqlSecurityChecks())`.
 *
 * Inspects every CloudFormation resource of the app, L1 included, whoever wrote it (DSQL clusters, identity
 * policies, interface VPC endpoints and their security groups), and reports insecure wiring as a warning or an
 * error annotation on the offending resource: `[<rule id>] <reason>. Fix: <fix>`.
 *
 * Suppress a rule on one resource with a reason, in cdk-nag's metadata form
 * (`NagSuppressions.addResourceSuppressions(resource, [{ id: 'DSQL-C4', reason: '…' }])`, or the same
 * `rules_to_suppress` list under the metadata key `secure_dsql`). A suppression without a reason of at least
 * 10 characters is itself an error.
 *
 * The library's own constructs with their secure settings raise nothing. Resources are read as they are when the
 * aspect runs: add it after the aspects that change resources (or with `AspectPriority.READONLY`).
 */
export class DsqlSecurityChecks implements IAspect {
  private readonly levels = new Map<string, DsqlCheckLevel>();
  private readonly logSuppressed: boolean;
  private readonly stacks = new Map<Stack, StackIndex>();
  private readonly visited = new Set<IConstruct>();
  /** The rules that inspect each resource type. */
  private readonly rulesByType = new Map<string, DsqlRule[]>();

  constructor(props: DsqlSecurityChecksProps = {}) {
    const ids = RULES.map((r) => r.id);
    for (const [id, level] of Object.entries(props.ruleLevels ?? {})) {
      if (id === SUPPRESSION_RULE.id) {
        throw new DsqlValidationError(`DsqlSecurityChecks: ruleLevels cannot change ${id} (got ${JSON.stringify(level)}). `
          + 'Invalid suppressions are always errors; fix the suppression instead.');
      }
      if (!ids.includes(id)) {
        throw new DsqlValidationError(`DsqlSecurityChecks: ruleLevels names no rule ${JSON.stringify(id)}. Use one of ${ids.join(', ')}.`);
      }
      if (!Object.values(DsqlCheckLevel).includes(level)) {
        throw new DsqlValidationError(`DsqlSecurityChecks: ruleLevels[${JSON.stringify(id)}] is not a DsqlCheckLevel (got ${JSON.stringify(level)}). `
          + 'Use DsqlCheckLevel.WARNING, ERROR or OFF.');
      }
      this.levels.set(id, level);
    }
    this.logSuppressed = props.logSuppressed ?? false;
    for (const rule of RULES) {
      const level = this.levels.get(rule.id);
      if (level === DsqlCheckLevel.OFF) continue;
      if (rule.strict && !props.strict && level === undefined) continue;
      for (const type of rule.resourceTypes) this.rulesByType.set(type, [...(this.rulesByType.get(type) ?? []), rule]);
    }
  }

  /**
   * Check one construct: a CloudFormation resource is judged by every rule for its type (with the other
   * resources of its stack as context); other constructs are skipped.
   *
   * Cost is proportional to what the rules judge: a resource is resolved only when a rule inspects its type and
   * its unresolved properties show that it may concern Aurora DSQL (`mayBeJudged`: a DSQL cluster, an endpoint
   * whose service name may be DSQL's, a policy whose actions may name DSQL), or when it carries suppressions.
   * Other resources of the stack are resolved only when a rule follows a reference to them.
   */
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || this.visited.has(node)) return;
    this.visited.add(node);
    const rules = this.rulesByType.get(node.cfnResourceType) ?? [];
    if (!mayBeJudged(node, rules.length > 0)) return;
    const template = this.indexOf(node);
    const resource = template.view(node);
    if (!resource) return;

    const suppressions = readSuppressions(resource.metadata, RULES.map((r) => r.id));
    if (suppressions.problems.length > 0) {
      Annotations.of(node).addError(findingMessage(SUPPRESSION_RULE, suppressions.problems));
    }
    for (const rule of rules) {
      const level = this.levelOf(rule);
      const result = rule.evaluate(resource, template);
      if (result.compliance !== Compliance.NON_COMPLIANT) continue;
      const message = findingMessage(rule, result.details);
      const reason = suppressions.valid.get(rule.id);
      if (reason !== undefined) {
        if (this.logSuppressed) Annotations.of(node).addInfo(`${message} [suppressed: ${reason}]`);
      } else if (level === DsqlCheckLevel.ERROR) {
        Annotations.of(node).addError(message);
      } else {
        Annotations.of(node).addWarningV2(rule.id, message);
      }
    }
  }

  /** The level a rule reports at here: the one `ruleLevels` gives, else its own. */
  private levelOf(rule: DsqlRule): DsqlCheckLevel {
    const own = rule.level === 'error' ? DsqlCheckLevel.ERROR : DsqlCheckLevel.WARNING;
    return this.levels.get(rule.id) ?? own;
  }

  /** The index of the node's stack, made once per stack (its lists again when the node was added since). */
  private indexOf(node: CfnResource): StackIndex {
    const stack = Stack.of(node);
    let index = this.stacks.get(stack);
    if (!index) {
      index = new StackIndex(stack);
      this.stacks.set(stack, index);
    }
    index.noteVisited(node);
    return index;
  }
}
