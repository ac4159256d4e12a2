/**
 * The resources of one stack as the rules read them, resolved on demand: a resource is rendered (escape-hatch
 * overrides included) the first time a rule or the aspect asks for it, never before.
 */
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ResourceView, TemplateView } from './rule';
import { libraryOwnerOf } from '../private/owner-marker';

/** The CloudFormation resources of one stack (not of its nested stacks), by logical id and by type. */
interface Lists {
  readonly byId: Map<string, CfnResource>;
  readonly byType: Map<string, CfnResource[]>;
  readonly known: Set<IConstruct>;
}

export class StackIndex implements TemplateView {
  public readonly account?: string;
  public readonly resources: ReadonlyMap<string, ResourceView>;
  private readonly views = new Map<CfnResource, ResourceView | undefined>();
  private lists?: Lists;

  constructor(private readonly stack: Stack) {
    this.account = Token.isUnresolved(stack.account) ? undefined : stack.account;
    this.resources = new LazyResources(this);
  }

  /** A resource visited by the aspect: the lists are made again when it was added after they were made. */
  public noteVisited(c: CfnResource): void {
    if (this.lists && !this.lists.known.has(c)) this.lists = undefined;
  }

  /** The resource as it will be written to the template; undefined when it cannot be rendered. */
  public view(c: CfnResource): ResourceView | undefined {
    if (this.views.has(c)) return this.views.get(c);
    let view: ResourceView | undefined;
    try {
      const rendered = this.stack.resolve((c as any)._toCloudFormation());
      const [logicalId, body] = Object.entries<any>(rendered?.Resources ?? {})[0] ?? [];
      if (logicalId && body) {
        view = { logicalId, type: body.Type, properties: body.Properties ?? {}, metadata: body.Metadata ?? {}, owner: libraryOwnerOf(c) };
      }
    } catch {
      // A resource that cannot be rendered fails the synthesis itself, with its own message.
    }
    this.views.set(c, view);
    return view;
  }

  public byLogicalId(logicalId: string): ResourceView | undefined {
    const c = this.listed().byId.get(logicalId);
    return c ? this.view(c) : undefined;
  }

  public ofType(type: string): ResourceView[] {
    return (this.listed().byType.get(type) ?? []).map((c) => this.view(c)).filter((v): v is ResourceView => v !== undefined);
  }

  public all(): ResourceView[] {
    return [...this.listed().byId.values()].map((c) => this.view(c)).filter((v): v is ResourceView => v !== undefined);
  }

  private listed(): Lists {
    if (this.lists) return this.lists;
    const lists: Lists = { byId: new Map(), byType: new Map(), known: new Set() };
    for (const c of this.stack.node.findAll()) {
      lists.known.add(c);
      if (!CfnResource.isCfnResource(c) || Stack.of(c) !== this.stack) continue;
      lists.byId.set(this.stack.resolve(c.logicalId), c);
      const ofType = lists.byType.get(c.cfnResourceType) ?? [];
      ofType.push(c);
      lists.byType.set(c.cfnResourceType, ofType);
    }
    this.lists = lists;
    return lists;
  }
}

/** `TemplateView.resources`: `get` and `has` resolve one resource; iterating resolves them all. */
class LazyResources implements ReadonlyMap<string, ResourceView> {
  constructor(private readonly index: StackIndex) {}
  public get(key: string): ResourceView | undefined {
    return this.index.byLogicalId(key);
  }
  public has(key: string): boolean {
    return this.index.byLogicalId(key) !== undefined;
  }
  public get size(): number {
    return this.index.all().length;
  }
  public forEach(f: (value: ResourceView, key: string, map: ReadonlyMap<string, ResourceView>) => void): void {
    for (const v of this.index.all()) f(v, v.logicalId, this);
  }
  public entries(): MapIterator<[string, ResourceView]> {
    return this.index.all().map((v): [string, ResourceView] => [v.logicalId, v])[Symbol.iterator]();
  }
  public keys(): MapIterator<string> {
    return this.index.all().map((v) => v.logicalId)[Symbol.iterator]();
  }
  public values(): MapIterator<ResourceView> {
    return this.index.all()[Symbol.iterator]();
  }
  public [Symbol.iterator](): MapIterator<[string, ResourceView]> {
    return this.entries();
  }
}
