import { Annotations, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Compliance, LibraryOwner, ResourceView, TemplateView, findingMessage } from './rule';
import { RULES } from './rules';
import { SUPPRESSION_RULE, readSuppressions } from './suppressions';
import { DatabaseRoleFunction } from '../handlers/database-role-function';
import { DsqlValidationError } from '../private/errors';
import { DsqlPrivateLinkEndpoint } from '../private-link-endpoint';

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
   * Change the level of rules by id, e.g. `{ 'DSQL-C4': DsqlCheckLevel.OFF }` for teams that accept AWS-owned keys,
   * or `{ 'DSQL-C2': DsqlCheckLevel.ERROR }` to fail the synth on a cluster without a restricting resource policy.
   *
   * `DSQL-S1` (invalid suppressions) cannot be changed. An unknown id is an error.
   *
   * @default - every rule at its own level (README "DsqlSecurityChecks" lists them)
   */
  readonly ruleLevels?: { [ruleId: string]: DsqlCheckLevel };

  /**
   * Add an info annotation for each finding that a suppression hides, with the suppression's reason, so that
   * reviews see what was accepted.
   *
   * @default false
   */
  readonly logSuppressed?: boolean;
}

interface StackView {
  readonly template: TemplateView;
  readonly byConstruct: ReadonlyMap<IConstruct, ResourceView | undefined>;
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
  private readonly views = new Map<Stack, StackView>();
  private readonly visited = new Set<IConstruct>();

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
  }

  /**
   * Check one construct: a CloudFormation resource is judged by every rule for its type (with the other
   * resources of its stack as context); other constructs are skipped.
   */
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || this.visited.has(node)) return;
    this.visited.add(node);
    const view = this.viewOf(node);
    const resource = view.byConstruct.get(node);
    if (!resource) return;

    const suppressions = readSuppressions(resource.metadata, RULES.map((r) => r.id));
    if (suppressions.problems.length > 0) {
      Annotations.of(node).addError(findingMessage(SUPPRESSION_RULE, suppressions.problems));
    }
    for (const rule of RULES) {
      if (!rule.resourceTypes.includes(resource.type)) continue;
      const level = this.levels.get(rule.id) ?? (rule.level === 'error' ? DsqlCheckLevel.ERROR : DsqlCheckLevel.WARNING);
      if (level === DsqlCheckLevel.OFF) continue;
      const result = rule.evaluate(resource, view.template);
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

  /** The resolved resources of the node's stack, built once per stack (again if the node was added since). */
  private viewOf(node: CfnResource): StackView {
    const stack = Stack.of(node);
    let view = this.views.get(stack);
    if (!view || !view.byConstruct.has(node)) {
      view = buildStackView(stack);
      this.views.set(stack, view);
    }
    return view;
  }
}

function buildStackView(stack: Stack): StackView {
  const resources = new Map<string, ResourceView>();
  const byConstruct = new Map<IConstruct, ResourceView | undefined>();
  for (const c of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(c) || Stack.of(c) !== stack) continue;
    let view: ResourceView | undefined;
    try {
      // The resource as it will be written to the template, escape-hatch overrides included.
      const rendered = stack.resolve((c as any)._toCloudFormation());
      const [logicalId, body] = Object.entries<any>(rendered?.Resources ?? {})[0] ?? [];
      if (logicalId && body) {
        view = { logicalId, type: body.Type, properties: body.Properties ?? {}, metadata: body.Metadata ?? {}, owner: ownerOf(c) };
        resources.set(logicalId, view);
      }
    } catch {
      // A resource that cannot be rendered fails the synthesis itself, with its own message.
    }
    byConstruct.set(c, view);
  }
  const account = Token.isUnresolved(stack.account) ? undefined : stack.account;
  return { template: { resources, account }, byConstruct };
}

/** Which of the library's constructs created a resource, where that matters to the rules. */
function ownerOf(c: IConstruct): LibraryOwner | undefined {
  for (const scope of c.node.scopes) {
    if (scope instanceof DatabaseRoleFunction) return 'database-role-handler';
    if (scope instanceof DsqlPrivateLinkEndpoint) return 'private-link-endpoint';
  }
  return undefined;
}
