/**
 * The one reference resolver of the library: values of the construct tree as CloudFormation will see them, read
 * cheaply. Literals stay as they are; a reference to a resource (`Ref`, `Fn::GetAtt`) or a pseudo parameter
 * becomes a `RefMarker` of its target instead of being resolved (resolving it in a consuming stack would turn a
 * cross-stack reference into an import, and would compute logical ids; the target is what matters); policy
 * documents are rendered without their post-processing (statement merging, which does not change what they mean);
 * any other token is resolved the usual way (`Stack.resolve`). The access model's reader
 * (`src/access/collect/reader.ts`) and the check of managed policies per identity (`attached-policies.ts`) both read
 * with it.
 */
import { CfnResource, IResolvable, Intrinsic, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { partitionOf } from './facts/regions';
import { isUnresolvedString } from './tokens';

export interface StackCtx {
  readonly stack: Stack;
  readonly sid: string;
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
  /** logical id → resource (of the collected types) */
  lids?: Map<string, CfnResource>;
  params?: Map<string, string>;
}

/**
 * A reference to a resource attribute (`Ref`, `Fn::GetAtt`) or a pseudo parameter, read straight from the
 * token instead of resolved (resolving in the consuming stack would turn a cross-stack reference into an
 * import; the target is what matters).
 */
export class RefMarker {
  constructor(public readonly ctx: StackCtx, public readonly attr: string, public readonly target?: CfnResource) {}
}

/** The brand of aws-cdk-lib's property boxes (`Symbol.for`, so the same in every copy of aws-cdk-lib). */
export const BOX = Symbol.for('@aws-cdk/core.Box');

/** Placeholders for tokens inside a string, and for intrinsics inside a JSON text. */
export const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/** Reads values of the tree with references as markers; caches per stack what it resolved. */
export class ReferenceReader {
  private readonly ctxs = new Map<Stack, StackCtx>();
  private readonly strings = new Map<Stack, Map<string, unknown>>();

  public ctx(scope: IConstruct): StackCtx {
    const stack = Stack.of(scope);
    let ctx = this.ctxs.get(stack);
    if (!ctx) {
      const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
      const account = Token.isUnresolved(stack.account) ? undefined : stack.account;
      ctx = { stack, sid: stack.node.path, region, account, partition: region ? partitionOf(region) : undefined };
      this.ctxs.set(stack, ctx);
    }
    return ctx;
  }

  /**
   * A value as CloudFormation will see it, read cheaply: literals as they are, references to resources as
   * markers of their target, policy documents rendered without their post-processing (statement merging,
   * which does not change what they mean), and any other token resolved the usual way (`Stack.resolve`).
   */
  public resolve(scope: IConstruct, value: unknown): any {
    if (value === undefined || value === null) return value;
    const t = typeof value;
    if (t === 'number' || t === 'boolean') return value;
    if (t === 'string') return this.resolveString(scope, value as string);
    if (Array.isArray(value)) {
      if (Token.isUnresolved(value)) return this.resolveToken(scope, Tokenization.reverseList(value)!);
      return value.map((x) => this.resolve(scope, x));
    }
    if (value instanceof RefMarker) return value;
    if (Tokenization.isResolvable(value)) return this.resolveToken(scope, value);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value as object)) out[k] = this.resolve(scope, x);
    return out;
  }

  protected resolveToken(scope: IConstruct, token: IResolvable): any {
    if (token instanceof Reference) {
      const target = token.target;
      if (CfnResource.isCfnResource(target)) return new RefMarker(this.ctx(target), token.displayName, target);
      if (token.displayName.startsWith('AWS::')) return new RefMarker(this.ctx(target), token.displayName);
    }
    if (token instanceof iam.PolicyDocument) return this.resolve(scope, token.toJSON());
    // aws-cdk-lib's mutable property boxes resolve to their current value, without a context.
    if ((token as unknown as Record<symbol, unknown>)[BOX] === true) return this.resolve(scope, token.resolve(undefined as never));
    if (Object.getPrototypeOf(token) === Intrinsic.prototype) return this.resolve(scope, (token as Intrinsic).resolve(undefined as never));
    // aws-cdk-lib's list of a role's managed policy ARNs (aws-iam's UniqueStringSet): its producer's list, read
    // like any value; the template drops duplicates, and the list when empty, which changes nothing the model
    // reads (no list and an empty list both mean "no managed policies"). Anything else is resolved the usual way.
    const produce = (token as unknown as { fn?: unknown }).fn;
    if (token.constructor.name === 'UniqueStringSet' && typeof produce === 'function') return this.resolve(scope, produce.call(token));
    return Stack.of(scope).resolve(token);
  }

  /** A string with tokens, resolved once per stack (the same token string resolves the same way in a stack). */
  private resolveString(scope: IConstruct, s: string): any {
    if (!isUnresolvedString(s)) return s;
    const stack = Stack.of(scope);
    let cache = this.strings.get(stack);
    if (!cache) this.strings.set(stack, cache = new Map());
    if (cache.has(s)) return cache.get(s);
    const value = this.resolveTokens(scope, s);
    cache.set(s, value);
    return value;
  }

  private resolveTokens(scope: IConstruct, s: string): any {
    const fragments = Tokenization.reverseString(s);
    // The common case, a string that is one token (a reference, a Lazy): that token, resolved.
    if (fragments.length === 1 && fragments.firstToken !== undefined) return this.resolveToken(scope, fragments.firstToken);
    const tokens: IResolvable[] = [];
    const text: string = fragments.mapTokens({
      mapToken: (t) => {
        tokens.push(t);
        return `\uE000${tokens.length - 1}\uE001`;
      },
    }).join({ join: (a, b) => `${a ?? ''}${b ?? ''}` });
    const parts: unknown[] = [];
    let last = 0;
    for (const m of text.matchAll(PLACEHOLDER)) {
      if ((m.index ?? 0) > last) parts.push(text.slice(last, m.index));
      parts.push(this.resolveToken(scope, tokens[Number(m[1])]));
      last = (m.index ?? 0) + m[0].length;
    }
    if (last < text.length) parts.push(text.slice(last));
    return parts.length === 1 ? parts[0] : { 'Fn::Join': ['', parts] };
  }
}
