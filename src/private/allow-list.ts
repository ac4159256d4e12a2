import { Annotations, Lazy, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A principal allow-list (`aws:PrincipalArn`) that the library renders into a policy it owns, and that other
 * constructs of the library may extend before synth: the one mechanism behind "admit the database-role
 * handler where an allow-list would otherwise lock it out" (docs/ARCHITECTURE.md, "Allow-lists").
 *
 * The owner (a cluster's resource policy, an endpoint's policy) registers its list on itself with
 * `PrincipalAllowList.register`; anything else calls `admitPrincipal(target, arn, reason)`. A target that
 * registered no list (an imported cluster, a cluster or endpoint without a principal list) has nothing to
 * extend, which `admitPrincipal` reports by returning false, so that the caller decides what that means.
 */
export class PrincipalAllowList {
  /** Register the allow-list of `owner`, seeded with the user's values. */
  public static register(owner: IConstruct, prop: string, initial: readonly string[]): PrincipalAllowList {
    const list = new PrincipalAllowList(owner, prop, initial);
    REGISTRY.set(owner, list);
    return list;
  }

  /** The allow-list `owner` registered, if any. */
  public static of(owner: IConstruct): PrincipalAllowList | undefined {
    return REGISTRY.get(owner);
  }

  private readonly arns: string[];

  private constructor(private readonly owner: IConstruct, private readonly prop: string, initial: readonly string[]) {
    this.arns = [...initial];
  }

  /** The list as a lazy value, for a policy rendered at synth (so later admissions are included). */
  public lazy(): string[] {
    return Lazy.list({ produce: () => [...this.arns] });
  }

  /** The values known now (the user's, then the admitted ones). */
  public get values(): readonly string[] {
    return this.arns;
  }

  /** Add `arn` (once), with an info annotation on the owner that says who was admitted and why. */
  public admit(arn: string, reason: string): void {
    if (this.arns.includes(arn)) return;
    this.arns.push(arn);
    Annotations.of(this.owner).addInfo(`${this.prop}: admitted ${Token.isUnresolved(arn) ? 'a role of this app' : arn} (${reason}).`);
  }
}

const REGISTRY = new WeakMap<IConstruct, PrincipalAllowList>();

/**
 * Admit `arn` to the principal allow-list of `target`, if it has one. Returns whether `target` has a list
 * that the library renders (and so now admits `arn`).
 */
export function admitPrincipal(target: IConstruct, arn: string, reason: string): boolean {
  const list = PrincipalAllowList.of(target);
  list?.admit(arn, reason);
  return list !== undefined;
}
