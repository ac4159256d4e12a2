/**
 * The collector of the access model: one pass over the construct tree of a Stage at synth (after aspects
 * and cross-stack references, before the templates are written), reading what the app will deploy:
 * clusters, interface endpoints, IAM roles/users/groups and their policies, security groups and their
 * rules, subnets, network ACLs, routes and Lambda functions, L1 resources included. The library's
 * constructs add what the templates do not say (who is a declared client, which function is the
 * database-role handler) through the registry (`./registry`).
 *
 * Values are read as CloudFormation will see them (`Stack.resolve`) and turned into symbolic strings
 * (`./values`): a `Ref` to a VPC becomes `vpc-<hole>`, a cluster ARN `arn:<partition>:dsql:<region>:
 * <account>:cluster/<hole>`. Property overrides (`addPropertyOverride`) are not read.
 */
import { CfnElement, CfnOutput, CfnParameter, CfnResource, IResolvable, Intrinsic, Reference, Stack, Stage, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { IDsqlCluster } from '../cluster-ref';
import type { AccessRegistry } from './declarations';
import { AccessModel, ClientInfo, ClientKind, ClusterInfo, EndpointInfo, Placement, SubnetInfo } from './model';
import { Acl, AclEntry, SecurityGroup, SgRule, defaultAcl } from './network';
import { renderConnectConditions } from '../private/conditions';
import { DB_CONNECT, DB_CONNECT_ADMIN, isConnectAction } from '../private/facts/actions';
import { fieldSelectorsOf, selectsConnections } from '../private/facts/cloudtrail';
import { MANAGEMENT_SERVICE_NAME, SERVICE_NAME } from '../private/facts/patterns';
import { Condition, Policy, PrincipalRef, PrincipalSpec, Statement } from '../private/policy/evaluate';
import { Str, Tri, concat, globMatch, hole, keyOf, lit, literal, strEquals } from '../private/policy/values';

/** The resource types the model reads. */
const TYPES = new Set([
  'AWS::DSQL::Cluster', 'AWS::EC2::VPCEndpoint', 'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry',
  'AWS::EC2::SubnetNetworkAclAssociation', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::Route', 'AWS::EC2::NatGateway',
  'AWS::EC2::VPCPeeringConnection', 'AWS::EC2::TransitGatewayAttachment', 'AWS::EC2::TransitGatewayVpcAttachment',
  'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::UserToGroupAddition',
  'AWS::Lambda::Function', 'AWS::ECS::Service', 'AWS::ECS::TaskDefinition',
  'AWS::CloudTrail::Trail', 'AWS::CloudTrail::EventDataStore',
]);

/**
 * How many leading characters of the stack name a name CloudFormation generates for an IAM role, user or
 * group is assumed to keep (it shortens long names to fit the limit; 16 is a conservative floor).
 */
const GENERATED_NAME_PREFIX = 16;

/** Physical-id prefixes of the resource types whose `Ref` is an id of a known shape. */
const REF_PREFIX: Record<string, [string, string]> = {
  'AWS::EC2::VPC': ['vpc-', 'vpc'],
  'AWS::EC2::VPCEndpoint': ['vpce-', 'vpce'],
  'AWS::EC2::SecurityGroup': ['sg-', 'sg'],
  'AWS::EC2::Subnet': ['subnet-', 'subnet'],
  'AWS::EC2::NetworkAcl': ['acl-', 'acl'],
  'AWS::EC2::RouteTable': ['rtb-', 'rtb'],
  'AWS::EC2::NatGateway': ['nat-', 'nat'],
  'AWS::EC2::InternetGateway': ['igw-', 'igw'],
};

/**
 * AWS managed policies that neither allow nor deny any `dsql:` action (their documents are published in
 * the AWS Managed Policy Reference): the ones aws-cdk-lib attaches to Lambda functions. Any other AWS
 * managed policy is unknown content.
 */
const NO_DSQL_MANAGED_POLICIES = [
  'service-role/AWSLambdaBasicExecutionRole',
  'service-role/AWSLambdaVPCAccessExecutionRole',
  'AWSXRayDaemonWriteAccess',
  'CloudWatchLambdaInsightsExecutionRolePolicy',
];

const PARTITIONS: Array<[RegExp, string]> = [[/^cn-/, 'aws-cn'], [/^us-gov-/, 'aws-us-gov'], [/^us-iso-/, 'aws-iso'], [/^us-isob-/, 'aws-iso-b'], [/^eu-isoe-/, 'aws-iso-e'], [/^us-isof-/, 'aws-iso-f']];

function partitionOf(region: string): string {
  return PARTITIONS.find(([re]) => re.test(region))?.[1] ?? 'aws';
}

/** What the pass found, and how to read it. */
export interface Collected {
  readonly model: AccessModel;
  /** The raw material of the checks. */
  readonly clusters: CollectedCluster[];
  readonly endpoints: CollectedEndpoint[];
  readonly identityPolicies: CollectedPolicy[];
  readonly aclAssociations: Array<{ subnet: string; subnetPath: string; acl: string; aclPath: string; path: string }>;
  readonly securityGroupRules: Array<{ group: string; rule: SgRule; ingress: boolean; inlineOf?: IConstruct; construct: IConstruct }>;
  /** Constructs by model path, for annotations. */
  readonly constructs: ReadonlyMap<string, IConstruct>;
  /** How many constructs the pass visited. */
  readonly constructCount: number;
}

export interface CollectedCluster {
  readonly info: ClusterInfo;
  readonly construct: IConstruct;
  readonly cfn?: CfnResource;
  /** The ids of the holes of this cluster's own attributes (`<stack>/<logicalId>`). */
  readonly selfId?: string;
  readonly stackPath?: string;
  readonly declared?: IDsqlCluster;
}

export interface CollectedEndpoint {
  readonly key: string;
  readonly path: string;
  readonly construct: IConstruct;
  readonly cfn: CfnResource;
  readonly serviceName?: Str;
  readonly policy?: Policy;
  readonly management: boolean;
  /** Registered DsqlPrivateLinkEndpoint that owns it. */
  readonly library?: IConstruct;
  readonly securityGroups: Str[];
  readonly stackPath: string;
  /** The id of the hole its `Ref` is (`<stack>/<logicalId>`). */
  readonly holeId: string;
  /** Ids of every hole in its properties. */
  readonly refersTo: Set<string>;
}

export interface CollectedPolicy {
  readonly policy: Policy;
  readonly construct: IConstruct;
}

interface StackCtx {
  readonly stack: Stack;
  readonly sid: string;
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
  /** logical id → resource (of the collected types) */
  lids?: Map<string, CfnResource>;
  params?: Map<string, string>;
}

interface Entity {
  readonly kind: 'role' | 'user' | 'group';
  readonly cfn: CfnResource;
  readonly ctx: StackCtx;
  readonly arn: Str;
  readonly name: Str;
  readonly path: string;
}

/**
 * A reference to a resource attribute (`Ref`, `Fn::GetAtt`) or a pseudo parameter, read straight from the
 * token instead of resolved (resolving in the consuming stack would turn a cross-stack reference into an
 * import; the target is what matters).
 */
class RefMarker {
  constructor(public readonly ctx: StackCtx, public readonly attr: string, public readonly target?: CfnResource) {}
}

/** The brand of aws-cdk-lib's property boxes (`Symbol.for`, so the same in every copy of aws-cdk-lib). */
const BOX = Symbol.for('@aws-cdk/core.Box');

/** Placeholders for tokens inside a string, and for intrinsics inside a JSON text. */
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

class Reader {
  public readonly resources: CfnResource[] = [];
  public readonly byType = new Map<string, CfnResource[]>();
  public readonly outputs: CfnOutput[] = [];
  public readonly parameters: CfnParameter[] = [];
  public constructCount = 0;
  private readonly ctxs = new Map<Stack, StackCtx>();
  private exports?: Map<string, { ctx: StackCtx; output: CfnOutput }>;
  private readonly lidCache = new Map<CfnElement, string>();
  private readonly paths = new Map<IConstruct, string>();
  private readonly strings = new Map<Stack, Map<string, unknown>>();
  private readonly props = new Map<CfnResource, Map<string, unknown>>();

  constructor(root: Stage) {
    // Paths are built top-down here (aws-cdk-lib walks up the scopes on every `node.path`).
    const rootPath = root.node.path;
    const visit = (c: IConstruct, parent: string) => {
      const p = parent ? `${parent}/${c.node.id}` : c.node.id;
      this.paths.set(c, p);
      this.constructCount++;
      if (CfnResource.isCfnResource(c)) {
        const type = c.cfnResourceType;
        if (TYPES.has(type)) {
          this.resources.push(c);
          let list = this.byType.get(type);
          if (!list) this.byType.set(type, list = []);
          list.push(c);
        }
      } else if (c instanceof CfnOutput) {
        this.outputs.push(c);
      } else if (c instanceof CfnParameter) {
        this.parameters.push(c);
      }
      for (const child of c.node.children) {
        if (!Stage.isStage(child)) visit(child, p);
      }
    };
    for (const child of root.node.children) {
      if (!Stage.isStage(child)) visit(child, rootPath);
    }
  }

  /** `node.path`, computed once per construct (aws-cdk-lib builds the string on every call). */
  public path(c: IConstruct): string {
    let p = this.paths.get(c);
    if (p === undefined) this.paths.set(c, p = c.node.path);
    return p;
  }

  public of(type: string): CfnResource[] {
    return this.byType.get(type) ?? [];
  }

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

  public lid(el: CfnElement): string {
    let id = this.lidCache.get(el);
    if (id === undefined) {
      id = Stack.of(el).resolve(el.logicalId) as string;
      this.lidCache.set(el, id);
    }
    return id;
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

  private resolveToken(scope: IConstruct, token: IResolvable): any {
    if (token instanceof Reference) {
      const target = token.target;
      if (CfnResource.isCfnResource(target)) return new RefMarker(this.ctx(target), token.displayName, target);
      if (token.displayName.startsWith('AWS::')) return new RefMarker(this.ctx(target), token.displayName);
    }
    if (token instanceof iam.PolicyDocument) return this.resolve(scope, token.toJSON());
    // aws-cdk-lib's mutable property boxes resolve to their current value, without a context.
    if ((token as unknown as Record<symbol, unknown>)[BOX] === true) return this.resolve(scope, token.resolve(undefined as never));
    if (Object.getPrototypeOf(token) === Intrinsic.prototype) return this.resolve(scope, (token as Intrinsic).resolve(undefined as never));
    return Stack.of(scope).resolve(token);
  }

  /** A string with tokens, resolved once per stack (the same token string resolves the same way in a stack). */
  private resolveString(scope: IConstruct, s: string): any {
    if (!Token.isUnresolved(s)) return s;
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

  /**
   * A property of an L1, resolved (once), with its property override (`addPropertyOverride`, which
   * `iam.PermissionsBoundary.of(x).apply()` and other escape hatches write) applied: an override of the
   * whole property replaces it; overrides of some of its fields replace those fields.
   */
  public prop(cfn: CfnResource, name: string): any {
    let cache = this.props.get(cfn);
    if (!cache) this.props.set(cfn, cache = new Map());
    if (cache.has(name)) return cache.get(name);
    let raw = (cfn as unknown as Record<string, unknown>)[name];
    const overrides = propertyOverrides(cfn);
    const pascal = name.charAt(0).toUpperCase() + name.slice(1);
    if (overrides && pascal in overrides) raw = withOverride(raw, overrides[pascal]);
    const value = this.resolve(cfn, raw);
    cache.set(name, value);
    return value;
  }

  /** The `Ref` of a resource, as a symbolic string. */
  public selfRef(cfn: CfnResource): Str {
    return this.ref(this.ctx(cfn), '', cfn)!;
  }

  /** An attribute of a resource, as a symbolic string. */
  public selfAtt(cfn: CfnResource, attr: string): Str {
    return this.getAtt(this.ctx(cfn), '', attr, cfn);
  }

  private resource(ctx: StackCtx, lid: string): CfnResource | undefined {
    if (!ctx.lids) {
      ctx.lids = new Map();
      for (const r of this.resources) if (Stack.of(r) === ctx.stack) ctx.lids.set(this.lid(r), r);
    }
    return ctx.lids.get(lid);
  }

  private isParam(ctx: StackCtx, name: string): boolean {
    return this.paramsOf(ctx).has(name);
  }

  private isListParam(ctx: StackCtx, name: string): boolean {
    return /List/.test(this.paramsOf(ctx).get(name) ?? '');
  }

  private paramsOf(ctx: StackCtx): Map<string, string> {
    if (!ctx.params) {
      ctx.params = new Map();
      for (const p of this.parameters) if (Stack.of(p) === ctx.stack) ctx.params.set(this.lid(p), p.type);
    }
    return ctx.params;
  }

  private pseudo(ctx: StackCtx, name: string): Str | undefined | null {
    switch (name) {
      case 'AWS::Partition': return ctx.partition ? lit(ctx.partition) : [hole(`AWS::Partition@${ctx.sid}`)];
      case 'AWS::Region': return ctx.region ? lit(ctx.region) : [hole(`AWS::Region@${ctx.sid}`)];
      case 'AWS::AccountId': return ctx.account ? lit(ctx.account) : [hole(`AWS::AccountId@${ctx.sid}`)];
      case 'AWS::URLSuffix': return ctx.partition === 'aws' ? lit('amazonaws.com') : [hole(`AWS::URLSuffix@${ctx.sid}`)];
      case 'AWS::NoValue': return null;
      case 'AWS::StackName':
      case 'AWS::StackId':
      case 'AWS::NotificationARNs':
        return [hole(`${name}@${ctx.sid}`)];
      default: return undefined;
    }
  }

  public partition(ctx: StackCtx): Str { return this.pseudo(ctx, 'AWS::Partition')!; }
  public region(ctx: StackCtx): Str { return this.pseudo(ctx, 'AWS::Region')!; }
  public account(ctx: StackCtx): Str { return this.pseudo(ctx, 'AWS::AccountId')!; }

  private ref(ctx: StackCtx, name: string, known?: CfnResource): Str | undefined {
    const pseudo = known ? undefined : this.pseudo(ctx, name);
    if (pseudo !== undefined) return pseudo === null ? undefined : pseudo;
    const r = known ?? this.resource(ctx, name);
    // Holes are named by construct path (unique in the app), so that no logical id has to be computed.
    const id = r ? this.path(r) : `${ctx.sid}/${name}`;
    if (!r) return this.isParam(ctx, name) ? [hole(`${ctx.sid}/parameter/${name}`, undefined, true)] : [hole(id)];
    const type = r.cfnResourceType;
    const prefix = REF_PREFIX[type];
    if (prefix) return concat(prefix[0], hole(id, prefix[1]));
    switch (type) {
      case 'AWS::IAM::Role': return this.nameOf(r, ctx, 'roleName', id, 'iam-role-name');
      case 'AWS::IAM::User': return this.nameOf(r, ctx, 'userName', id, 'iam-user-name');
      case 'AWS::IAM::Group': return this.nameOf(r, ctx, 'groupName', id, 'iam-group-name');
      case 'AWS::DSQL::Cluster': return [hole(`${id}#id`, 'dsql-cluster-id')];
      default: return [hole(id, type)];
    }
  }

  /**
   * The name of an IAM role, user or group: the given one, or the one CloudFormation generates, which
   * begins with the stack's name (`<stack>-<logical id>-<random suffix>`, shortened to the name's
   * limit): modelled as the stack name's first characters and a hole, so that it certainly differs from a
   * literal name that does not begin that way (an allow-list that leaves the role out locks it out).
   */
  private nameOf(r: CfnResource, ctx: StackCtx, prop: string, id: string, kind: string): Str {
    const given = this.str(ctx, this.prop(r, prop));
    if (given) return given;
    const stackName = ctx.stack.nestedStackParent || Token.isUnresolved(ctx.stack.stackName) ? undefined : ctx.stack.stackName;
    const prefix = stackName === undefined ? '' : stackName.length <= GENERATED_NAME_PREFIX ? `${stackName}-` : stackName.slice(0, GENERATED_NAME_PREFIX);
    return concat(prefix, hole(`${id}#name`, kind));
  }

  private getAtt(ctx: StackCtx, lid: string, attr: string, known?: CfnResource): Str {
    const r = known ?? this.resource(ctx, lid);
    const id = r ? this.path(r) : `${ctx.sid}/${lid}`;
    const type = r?.cfnResourceType;
    const p = this.partition(ctx);
    const region = this.region(ctx);
    const account = this.account(ctx);
    if (type === 'AWS::DSQL::Cluster') {
      const cid = hole(`${id}#id`, 'dsql-cluster-id');
      const svc = hole(`${id}#service`, 'dsql-service');
      switch (attr) {
        case 'Identifier': return [cid];
        case 'ResourceArn': return concat('arn:', p, ':dsql:', region, ':', account, ':cluster/', cid);
        case 'Endpoint': return concat(cid, '.dsql.', region, '.on.aws');
        case 'VpcEndpointServiceName': return concat('com.amazonaws.', region, '.dsql-', svc);
        case 'VpcEndpoint': return concat(cid, '.dsql-', svc, '.', region, '.on.aws');
      }
    }
    if (r && attr === 'Arn' && (type === 'AWS::IAM::Role' || type === 'AWS::IAM::User' || type === 'AWS::IAM::Group')) {
      const kind = type === 'AWS::IAM::Role' ? 'role' : type === 'AWS::IAM::User' ? 'user' : 'group';
      const path = literal(this.str(ctx, this.prop(r, 'path')) ?? lit('/')) ?? '/';
      return concat('arn:', p, ':iam::', account, `:${kind}`, path, this.ref(ctx, lid, r)!);
    }
    if (type === 'AWS::EC2::SecurityGroup' && attr === 'GroupId') return this.ref(ctx, lid, r)!;
    if (type === 'AWS::EC2::VPC' && attr === 'CidrBlock') {
      const cidr = this.str(ctx, this.prop(r!, 'cidrBlock'));
      if (cidr) return cidr;
    }
    if (type === 'AWS::EC2::VPC' && attr === 'DefaultNetworkAcl') return concat('acl-', hole(`${id}#defaultAcl`, 'acl'));
    if (type === 'AWS::EC2::VPC' && attr === 'DefaultSecurityGroup') return concat('sg-', hole(`${id}#defaultSg`, 'sg'));
    return [hole(`${id}.${attr}`, type ? `${type}.${attr}` : undefined)];
  }

  private importValue(name: string): Str | undefined {
    if (!this.exports) {
      this.exports = new Map();
      for (const o of this.outputs) {
        const exportName = o.exportName;
        if (exportName === undefined) continue;
        const resolved = Token.isUnresolved(exportName) ? this.resolve(o, exportName) : exportName;
        if (typeof resolved === 'string') this.exports.set(resolved, { ctx: this.ctx(o), output: o });
      }
    }
    const found = this.exports.get(name);
    if (!found) return undefined;
    return this.str(found.ctx, this.resolve(found.output, found.output.value));
  }

  /** A resolved value as a symbolic string; undefined when it is not a string (or AWS::NoValue). */
  public str(ctx: StackCtx, v: unknown): Str | undefined {
    if (v === undefined || v === null) return undefined;
    if (v instanceof RefMarker) {
      if (!v.target) return this.pseudo(v.ctx, v.attr) ?? [hole(`${v.attr}@${v.ctx.sid}`)];
      return v.attr === 'Ref' ? this.ref(v.ctx, '', v.target) : this.getAtt(v.ctx, '', v.attr, v.target);
    }
    if (typeof v === 'string') return lit(v);
    if (typeof v === 'number' || typeof v === 'boolean') return lit(String(v));
    if (Array.isArray(v) || typeof v !== 'object') return undefined;
    const keys = Object.keys(v);
    if (keys.length !== 1) return undefined;
    const k = keys[0];
    const arg = (v as Record<string, any>)[k];
    switch (k) {
      case 'Ref': return typeof arg === 'string' ? this.ref(ctx, arg) : undefined;
      case 'Fn::GetAtt': {
        const [lid, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
        return typeof lid === 'string' && typeof attr === 'string' ? this.getAtt(ctx, lid, attr) : [hole(`${ctx.sid}/${JSON.stringify(arg)}`)];
      }
      case 'Fn::Join': {
        const [sep, parts] = Array.isArray(arg) ? arg : [];
        const list = this.list(ctx, parts);
        if (typeof sep !== 'string' || !list) return [hole(`${ctx.sid}/${JSON.stringify(v)}`, undefined, true)];
        const out: Array<Str | string> = [];
        list.forEach((p, i) => {
          if (i > 0) out.push(sep);
          out.push(p);
        });
        return concat(...out);
      }
      case 'Fn::ImportValue': {
        const name = typeof arg === 'string' ? arg : literal(this.str(ctx, arg) ?? [hole('?')]);
        const found = name !== undefined ? this.importValue(name) : undefined;
        return found ?? [hole(`import/${name ?? JSON.stringify(arg)}`, undefined, true)];
      }
      case 'Fn::Select': {
        const [index, source] = Array.isArray(arg) ? arg : [];
        const list = this.list(ctx, source);
        const i = typeof index === 'number' ? index : Number(literal(this.str(ctx, index) ?? [hole('?')]));
        if (list && Number.isInteger(i) && i >= 0 && i < list.length) return list[i];
        return [hole(`${ctx.sid}/${JSON.stringify(v)}`, undefined, this.mentionsParam(ctx, v))];
      }
      case 'Fn::Sub': return this.sub(ctx, arg);
      default:
        return [hole(`${ctx.sid}/${JSON.stringify(v)}`, undefined, true)];
    }
  }

  private mentionsParam(ctx: StackCtx, v: unknown): boolean {
    const text = JSON.stringify(v);
    return [...text.matchAll(/"Ref":"([^"]+)"/g)].some((m) => this.isParam(ctx, m[1])) || text.includes('Fn::ImportValue');
  }

  private sub(ctx: StackCtx, arg: unknown): Str {
    const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
    if (typeof template !== 'string') return [hole(`${ctx.sid}/${JSON.stringify(arg)}`, undefined, true)];
    const parts: Array<Str | string> = [];
    let last = 0;
    for (const m of template.matchAll(/\$\{([^}!][^}]*)\}/g)) {
      parts.push(template.slice(last, m.index));
      const name = m[1];
      if (vars && typeof vars === 'object' && name in (vars as object)) {
        parts.push(this.str(ctx, (vars as Record<string, unknown>)[name]) ?? [hole(`${ctx.sid}/sub/${name}`)]);
      } else if (name.includes('.')) {
        const [lid, attr] = name.split('.');
        parts.push(this.getAtt(ctx, lid, attr));
      } else {
        parts.push(this.ref(ctx, name) ?? []);
      }
      last = (m.index ?? 0) + m[0].length;
    }
    parts.push(template.slice(last));
    return concat(...parts);
  }

  /** A resolved list; undefined when the list itself is not known (a list intrinsic). */
  public list(ctx: StackCtx, v: unknown): Str[] | undefined {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) {
      const out: Str[] = [];
      for (const x of v) {
        if (Array.isArray(x)) return undefined;
        if (x && typeof x === 'object' && Object.keys(x)[0] === 'Ref' && (x as any).Ref === 'AWS::NoValue') continue;
        const s = this.str(ctx, x);
        if (s === undefined) return undefined;
        out.push(s);
      }
      return out;
    }
    if (typeof v === 'object') {
      const k = Object.keys(v)[0];
      if (k === 'Fn::Split') {
        const [sep, source] = (v as any)[k];
        const s = this.str(ctx, source);
        const l = s && literal(s);
        if (typeof sep === 'string' && l !== undefined) return l.split(sep).map(lit);
        return undefined;
      }
      if (k === 'Fn::GetAZs' || k === 'Fn::If' || k === 'Fn::FindInMap' || k === 'Fn::Cidr') return undefined;
      if (k === 'Ref' && this.isListParam(ctx, (v as any).Ref)) return undefined;
    }
    const s = this.str(ctx, v);
    return s ? [s] : undefined;
  }
}

/** The property overrides of an L1 (`addPropertyOverride`), by CloudFormation property name. */
function propertyOverrides(cfn: CfnResource): Record<string, unknown> | undefined {
  return (cfn as unknown as { rawOverrides?: { Properties?: Record<string, unknown> } }).rawOverrides?.Properties;
}

/** Whether a property of an L1 is overridden (`name` in camelCase). */
function overridden(cfn: CfnResource, name: string): boolean {
  const overrides = propertyOverrides(cfn);
  return overrides !== undefined && (name.charAt(0).toUpperCase() + name.slice(1)) in overrides;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !Token.isUnresolved(v);

/**
 * A property value with its raw override merged in (override keys are CloudFormation's PascalCase names;
 * the L1's own keys are camelCase): an override field replaces the field of either spelling.
 */
function withOverride(value: unknown, override: unknown): unknown {
  if (!isObject(value) || !isObject(override)) return override;
  const out: Record<string, unknown> = { ...value };
  for (const [k, v] of Object.entries(override)) {
    const camel = k.charAt(0).toLowerCase() + k.slice(1);
    const current = out[camel] ?? out[k];
    delete out[camel];
    out[k] = withOverride(current, v);
  }
  return out;
}

/** The actions that connect to a cluster (Aurora DSQL User Guide, "Generating an authentication token"). */
const CONNECT_ACTIONS = ['dsql:DbConnect', 'dsql:DbConnectAdmin'];

/**
 * Whether a policy document, before it is resolved, may allow a connect action: false only for an
 * `iam.PolicyDocument` none of whose Allow statements names a `dsql:` action or a wildcard (or uses
 * NotAction), or a plain document that does not mention `dsql` or `*` at all.
 */
function mayAllowConnect(doc: unknown): boolean {
  if (doc === undefined) return false;
  if (doc instanceof iam.PolicyDocument) {
    const statements = (doc as unknown as { statements?: iam.PolicyStatement[] }).statements;
    if (!Array.isArray(statements)) return true;
    return statements.some((st) => st.effect === iam.Effect.ALLOW && (st.notActions.length > 0
      || st.actions.some((a) => Token.isUnresolved(a) || a.includes('*') || a.includes('?') || a.toLowerCase().startsWith('dsql:'))));
  }
  if (Token.isUnresolved(doc)) return true;
  const text = JSON.stringify(doc);
  return text === undefined || /dsql|\*|\?|\$\{Token/i.test(text);
}

function asArray(v: unknown): unknown[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v];
}


function jsonWithIntrinsics(resolved: unknown): unknown {
  if (typeof resolved === 'string') {
    try {
      return JSON.parse(resolved);
    } catch {
      return undefined;
    }
  }
  if (resolved && typeof resolved === 'object' && !Array.isArray(resolved) && 'Fn::Join' in (resolved as object)) {
    const [sep, parts] = (resolved as any)['Fn::Join'] as [string, unknown[]];
    const tokens: unknown[] = [];
    const text = parts.map((p) => {
      if (typeof p === 'string') return p;
      tokens.push(p);
      return `\uE000${tokens.length - 1}\uE001`;
    }).join(sep);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    const restore = (x: unknown): unknown => {
      if (typeof x === 'string') {
        if (!x.includes('\uE000')) return x;
        const pieces: unknown[] = [];
        let last = 0;
        for (const m of x.matchAll(PLACEHOLDER)) {
          if ((m.index ?? 0) > last) pieces.push(x.slice(last, m.index));
          pieces.push(tokens[Number(m[1])]);
          last = (m.index ?? 0) + m[0].length;
        }
        if (last < x.length) pieces.push(x.slice(last));
        return pieces.length === 1 ? pieces[0] : { 'Fn::Join': ['', pieces] };
      }
      if (Array.isArray(x)) return x.map(restore);
      if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, restore(y)]));
      return x;
    };
    return restore(parsed);
  }
  return resolved;
}

/** Collect the model of `root` (a Stage) and its raw material for the checks. */
export function collect(root: Stage, registry: AccessRegistry): Collected {
  const r = new Reader(root);
  const constructs = new Map<string, IConstruct>();
  // The construct a resource stands for: its L2 (the L1's scope), or the L1 itself when it is defined
  // straight in a stack (a raw `new CfnCluster(stack, 'Db')` is listed as S/Db, not as S).
  const ownerOf = (c: IConstruct): IConstruct => (c.node.scope && !Stack.isStack(c.node.scope) ? c.node.scope : c);
  const parentPath = (c: IConstruct) => r.path(ownerOf(c));

  // ---- policies ----------------------------------------------------------------------------------------
  const parsePrincipal = (ctx: StackCtx, p: unknown): PrincipalSpec | undefined => {
    if (p === undefined) return undefined;
    if (p === '*') return { any: true, aws: [], other: 0 };
    if (!p || typeof p !== 'object' || Array.isArray(p)) return { any: false, aws: [], other: 0, unknown: true };
    const obj = p as Record<string, unknown>;
    const aws = r.list(ctx, obj.AWS);
    if (!aws) return { any: false, aws: [], other: 0, unknown: true };
    const other = Object.keys(obj).filter((k) => k !== 'AWS').length;
    return { any: aws.some((a) => literal(a) === '*'), aws, other };
  };
  const parseStatement = (ctx: StackCtx, s: any): Statement => {
    if (!s || typeof s !== 'object') return { effect: 'Allow', conditions: [], unknown: true };
    let unknown = false;
    const list = (v: unknown) => {
      if (v === undefined) return undefined;
      const l = r.list(ctx, v);
      if (!l) unknown = true;
      return l ?? [];
    };
    const conditions: Condition[] = [];
    if (s.Condition && typeof s.Condition === 'object') {
      for (const [operator, block] of Object.entries<any>(s.Condition)) {
        if (!block || typeof block !== 'object') {
          unknown = true;
          continue;
        }
        for (const [key, value] of Object.entries(block)) conditions.push({ operator, key, values: r.list(ctx, value) });
      }
    }
    const effect = s.Effect === 'Deny' ? 'Deny' : s.Effect === 'Allow' ? 'Allow' : undefined;
    return {
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: effect ?? 'Allow',
      principal: parsePrincipal(ctx, s.Principal),
      notPrincipal: parsePrincipal(ctx, s.NotPrincipal),
      actions: list(s.Action),
      notActions: list(s.NotAction),
      resources: list(s.Resource),
      notResources: list(s.NotResource),
      conditions,
      unknown: unknown || effect === undefined,
    };
  };
  const parsePolicy = (ctx: StackCtx, doc: unknown, name: string): Policy => {
    if (doc === undefined) return { name, statements: [] };
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { name, statements: [], unknown: true };
    const statements = asArray((doc as any).Statement) ?? [];
    return { name, statements: statements.map((s) => parseStatement(ctx, s)) };
  };

  // ---- IAM entities and their policies ------------------------------------------------------------------
  const entities = new Map<string, Entity>(); // by ARN key
  const entityByName = new Map<string, Entity>(); // by `${kind}:${nameKey}`
  for (const [type, kind] of [['AWS::IAM::Role', 'role'], ['AWS::IAM::User', 'user'], ['AWS::IAM::Group', 'group']] as const) {
    for (const cfn of r.of(type)) {
      const ctx = r.ctx(cfn);
      const arn = r.selfAtt(cfn, 'Arn');
      const name = r.selfRef(cfn);
      const e: Entity = { kind, cfn, ctx, arn, name, path: parentPath(cfn) };
      entities.set(keyOf(arn), e);
      entityByName.set(`${kind}:${keyOf(name)}`, e);
    }
  }
  const identityPolicies: CollectedPolicy[] = [];
  /** Policies attached by name: `${kind}:${nameKey}` → policies. */
  const attachedByName = new Map<string, Policy[]>();
  /** Managed policies by ARN key. */
  const managedByArn = new Map<string, Policy>();
  const attach = (kind: string, names: Str[] | undefined, policy: Policy) => {
    for (const n of names ?? []) {
      const key = `${kind}:${keyOf(n)}`;
      let list = attachedByName.get(key);
      if (!list) attachedByName.set(key, list = []);
      list.push(policy);
    }
  };
  /** Policies of the app that cannot allow a connect action, known before their documents are read. */
  const mayConnectPolicies = new WeakMap<Policy, boolean>();
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const cfn of r.of(type)) {
      const ctx = r.ctx(cfn);
      const path = parentPath(cfn);
      const roles = r.list(ctx, r.prop(cfn, 'roles'));
      const users = r.list(ctx, r.prop(cfn, 'users'));
      const groups = r.list(ctx, r.prop(cfn, 'groups'));
      // Lazily parsed: only the documents of policies attached to a client are read.
      let parsed: Policy | undefined;
      const lazy: Policy = {
        name: path,
        get statements() {
          parsed ??= parsePolicy(ctx, r.prop(cfn, 'policyDocument'), path);
          return parsed.statements;
        },
        get unknown() {
          parsed ??= parsePolicy(ctx, r.prop(cfn, 'policyDocument'), path);
          return parsed.unknown;
        },
      } as Policy;
      mayConnectPolicies.set(lazy, overridden(cfn, 'policyDocument') || mayAllowConnect((cfn as unknown as { policyDocument?: unknown }).policyDocument));
      identityPolicies.push({ policy: lazy, construct: ownerOf(cfn) });
      attach('role', roles, lazy);
      attach('user', users, lazy);
      attach('group', groups, lazy);
      if (type === 'AWS::IAM::ManagedPolicy') managedByArn.set(keyOf(r.selfRef(cfn)), lazy);
    }
  }
  const userGroups = new Map<string, Str[]>(); // user name key → group names
  for (const cfn of r.of('AWS::IAM::UserToGroupAddition')) {
    const ctx = r.ctx(cfn);
    const group = r.str(ctx, r.prop(cfn, 'groupName'));
    for (const u of r.list(ctx, r.prop(cfn, 'users')) ?? []) {
      const list = userGroups.get(keyOf(u)) ?? [];
      if (group) list.push(group);
      userGroups.set(keyOf(u), list);
    }
  }
  const managedPolicy = (arn: Str, owner: string): Policy => {
    const known = managedByArn.get(keyOf(arn));
    if (known) return known;
    const l = literal(arn);
    const aws = l !== undefined ? /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(l) : (() => {
      const last = arn[arn.length - 1];
      return typeof last === 'string' ? /:iam::aws:policy\/(.+)$/.exec(last) : null;
    })();
    if (aws && NO_DSQL_MANAGED_POLICIES.includes(aws[1])) return { name: aws[1], statements: [] };
    return { name: `managed policy ${l ?? 'of ' + owner}`, statements: [], unknown: true };
  };
  const ownCache = new Map<Entity, { policies: Policy[]; boundary?: Policy }>();
  const ownPolicies = (e: Entity): { policies: Policy[]; boundary?: Policy } => {
    let own = ownCache.get(e);
    if (!own) ownCache.set(e, own = readOwnPolicies(e));
    return own;
  };
  const readOwnPolicies = (e: Entity): { policies: Policy[]; boundary?: Policy } => {
    const policies: Policy[] = [];
    const inline = r.prop(e.cfn, 'policies');
    for (const p of asArray(inline) ?? []) {
      const doc = p && typeof p === 'object' ? ((p as any).policyDocument ?? (p as any).PolicyDocument) : undefined;
      policies.push(parsePolicy(e.ctx, doc, `${e.path} (inline ${(p as any)?.policyName ?? ''})`));
    }
    const arns = r.list(e.ctx, r.prop(e.cfn, 'managedPolicyArns'));
    if (!arns) policies.push({ name: `managed policies of ${e.path}`, statements: [], unknown: true });
    for (const a of arns ?? []) policies.push(managedPolicy(a, e.path));
    policies.push(...(attachedByName.get(`${e.kind}:${keyOf(e.name)}`) ?? []));
    let boundary: Policy | undefined;
    if (e.kind !== 'group') {
      const b = r.str(e.ctx, r.prop(e.cfn, 'permissionsBoundary'));
      if (b) boundary = managedPolicy(b, e.path);
    }
    return { policies, boundary };
  };

  // ---- networks ---------------------------------------------------------------------------------------
  const securityGroups = new Map<string, SecurityGroup>();
  const defaultEgress = new Set<SecurityGroup>();
  const sgRules: Collected['securityGroupRules'] = [];
  const groupFor = (id: Str, path?: string, known = false): SecurityGroup => {
    const key = keyOf(id);
    let g = securityGroups.get(key);
    if (!g) securityGroups.set(key, g = { key, id, path, known, ingress: [], egress: [] });
    return g;
  };
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);
  const sgRule = (ctx: StackCtx, raw: any, ingress: boolean, path: string): SgRule => {
    const get = (camel: string, pascal: string) => raw?.[camel] ?? raw?.[pascal];
    const cidrV = get('cidrIp', 'CidrIp') ?? get('cidrIpv6', 'CidrIpv6');
    const cidr = cidrV === undefined ? undefined : r.str(ctx, cidrV);
    const groupV = ingress ? get('sourceSecurityGroupId', 'SourceSecurityGroupId') : get('destinationSecurityGroupId', 'DestinationSecurityGroupId');
    const prefix = ingress ? get('sourcePrefixListId', 'SourcePrefixListId') : get('destinationPrefixListId', 'DestinationPrefixListId');
    const l = cidr ? literal(cidr) : undefined;
    return {
      protocol: String(get('ipProtocol', 'IpProtocol') ?? '-1'),
      from: num(get('fromPort', 'FromPort')),
      to: num(get('toPort', 'ToPort')),
      cidr: l,
      cidrUnknown: cidr !== undefined && l === undefined,
      group: groupV !== undefined ? r.str(ctx, groupV) : undefined,
      prefixList: prefix !== undefined,
      path,
    };
  };
  for (const cfn of r.of('AWS::EC2::SecurityGroup')) {
    const ctx = r.ctx(cfn);
    const id = r.selfRef(cfn);
    const g = groupFor(id, parentPath(cfn), true);
    const owner = ownerOf(cfn);
    const ingress = asArray(r.prop(cfn, 'securityGroupIngress')) ?? [];
    const egress = asArray(r.prop(cfn, 'securityGroupEgress'));
    for (const raw of ingress) {
      const rule = sgRule(ctx, raw, true, g.path!);
      g.ingress.push(rule);
      sgRules.push({ group: g.key, rule, ingress: true, inlineOf: owner, construct: owner });
    }
    // Without inline egress rules, EC2 adds its default rule: everything to everywhere
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html).
    if (!egress || egress.length === 0) defaultEgress.add(g);
    for (const raw of egress ?? []) g.egress.push(sgRule(ctx, raw, false, g.path!));
  }
  const separateEgress = new Set<SecurityGroup>();
  for (const [type, ingress] of [['AWS::EC2::SecurityGroupIngress', true], ['AWS::EC2::SecurityGroupEgress', false]] as const) {
    for (const cfn of r.of(type)) {
      const ctx = r.ctx(cfn);
      const groupId = r.str(ctx, r.prop(cfn, 'groupId'));
      if (!groupId) continue;
      const raw: Record<string, unknown> = {};
      for (const k of ['ipProtocol', 'fromPort', 'toPort', 'cidrIp', 'cidrIpv6', 'sourceSecurityGroupId', 'destinationSecurityGroupId', 'sourcePrefixListId', 'destinationPrefixListId']) {
        if ((cfn as any)[k] !== undefined) raw[k] = r.prop(cfn, k);
      }
      const g = groupFor(groupId);
      const rule = sgRule(ctx, raw, ingress, r.path(cfn));
      (ingress ? g.ingress : g.egress).push(rule);
      if (ingress) sgRules.push({ group: g.key, rule, ingress: true, construct: cfn });
      else separateEgress.add(g);
    }
  }
  for (const g of defaultEgress) {
    // Whether the default rule survives separate AWS::EC2::SecurityGroupEgress resources is not documented
    // (aws-cdk-lib assumes it is removed): then it counts as unknown, never as allowing.
    g.egress.push(separateEgress.has(g) ? { protocol: '-1', cidrUnknown: true, path: g.path } : { protocol: '-1', cidr: '0.0.0.0/0', path: g.path });
  }

  const acls = new Map<string, Acl>();
  const aclEntries = new Map<string, AclEntry[]>();
  for (const cfn of r.of('AWS::EC2::NetworkAclEntry')) {
    const ctx = r.ctx(cfn);
    const aclId = r.str(ctx, r.prop(cfn, 'networkAclId'));
    if (!aclId) continue;
    const cidrV = r.prop(cfn, 'cidrBlock') ?? r.prop(cfn, 'ipv6CidrBlock');
    const cidr = cidrV === undefined ? undefined : literal(r.str(ctx, cidrV) ?? [hole('?')]);
    const range = r.prop(cfn, 'portRange');
    const action = String(r.prop(cfn, 'ruleAction') ?? '').toLowerCase();
    const entry: AclEntry = {
      ruleNumber: num(r.prop(cfn, 'ruleNumber')) ?? 0,
      egress: r.prop(cfn, 'egress') === true || r.prop(cfn, 'egress') === 'true',
      protocol: num(r.prop(cfn, 'protocol')) ?? -1,
      allow: action === 'allow',
      cidr,
      from: num(range?.from ?? range?.From),
      to: num(range?.to ?? range?.To),
      path: cfn.node.path,
    };
    const key = keyOf(aclId);
    const list = aclEntries.get(key) ?? [];
    list.push(entry);
    aclEntries.set(key, list);
  }
  for (const cfn of r.of('AWS::EC2::NetworkAcl')) {
    const key = keyOf(r.selfRef(cfn));
    acls.set(key, { key, path: parentPath(cfn), entries: aclEntries.get(key) ?? [], known: true });
  }
  const vpcs = new Map<string, { path: string; defaultAcl: string }>();
  for (const cfn of r.of('AWS::EC2::VPC')) {
    const vpcKey = keyOf(r.selfRef(cfn));
    const aclKey = keyOf(r.selfAtt(cfn, 'DefaultNetworkAcl'));
    vpcs.set(vpcKey, { path: parentPath(cfn), defaultAcl: aclKey });
    acls.set(aclKey, defaultAcl(aclKey, `the default network ACL of ${parentPath(cfn)}`, aclEntries.get(aclKey) ?? []));
  }
  const aclAssociations: Collected['aclAssociations'] = [];
  const aclOfSubnet = new Map<string, string>();
  for (const cfn of r.of('AWS::EC2::SubnetNetworkAclAssociation')) {
    const ctx = r.ctx(cfn);
    const subnet = r.str(ctx, r.prop(cfn, 'subnetId'));
    const acl = r.str(ctx, r.prop(cfn, 'networkAclId'));
    if (!subnet || !acl) continue;
    const aclKey = keyOf(acl);
    aclAssociations.push({ subnet: keyOf(subnet), subnetPath: '', acl: aclKey, aclPath: acls.get(aclKey)?.path ?? cfn.node.path, path: cfn.node.path });
    aclOfSubnet.set(keyOf(subnet), aclKey);
  }
  for (const key of aclOfSubnet.values()) {
    if (!acls.has(key)) acls.set(key, { key, path: key, entries: aclEntries.get(key) ?? [], known: false });
  }

  const natSubnet = new Map<string, string>();
  for (const cfn of r.of('AWS::EC2::NatGateway')) {
    const ctx = r.ctx(cfn);
    const subnet = r.str(ctx, r.prop(cfn, 'subnetId'));
    const privateNat = String(r.prop(cfn, 'connectivityType') ?? 'public') === 'private';
    if (subnet && !privateNat) natSubnet.set(keyOf(r.selfRef(cfn)), keyOf(subnet));
  }
  const defaultRoute = new Map<string, { nat?: string; igw: boolean; other: boolean }>();
  for (const cfn of r.of('AWS::EC2::Route')) {
    const ctx = r.ctx(cfn);
    const dest = r.prop(cfn, 'destinationCidrBlock');
    if (dest !== '0.0.0.0/0') continue;
    const table = r.str(ctx, r.prop(cfn, 'routeTableId'));
    if (!table) continue;
    const nat = r.str(ctx, r.prop(cfn, 'natGatewayId'));
    const gateway = r.str(ctx, r.prop(cfn, 'gatewayId'));
    const entry = defaultRoute.get(keyOf(table)) ?? { igw: false, other: false };
    if (nat) entry.nat = keyOf(nat);
    else if (gateway && (literal(gateway)?.startsWith('igw-') || (typeof gateway[0] === 'string' && gateway[0].startsWith('igw-')))) entry.igw = true;
    else entry.other = true;
    defaultRoute.set(keyOf(table), entry);
  }
  const tableOfSubnet = new Map<string, string>();
  for (const cfn of r.of('AWS::EC2::SubnetRouteTableAssociation')) {
    const ctx = r.ctx(cfn);
    const subnet = r.str(ctx, r.prop(cfn, 'subnetId'));
    const table = r.str(ctx, r.prop(cfn, 'routeTableId'));
    if (subnet && table) tableOfSubnet.set(keyOf(subnet), keyOf(table));
  }
  const subnets = new Map<string, SubnetInfo>();
  for (const cfn of r.of('AWS::EC2::Subnet')) {
    const ctx = r.ctx(cfn);
    const key = keyOf(r.selfRef(cfn));
    const vpc = r.str(ctx, r.prop(cfn, 'vpcId'));
    const cidrS = r.str(ctx, r.prop(cfn, 'cidrBlock'));
    const table = tableOfSubnet.get(key);
    const route = table ? defaultRoute.get(table) : undefined;
    const natRoute: Tri = route?.nat ? true : route?.other ? undefined : false;
    subnets.set(key, {
      key,
      path: parentPath(cfn),
      vpc,
      cidr: cidrS ? literal(cidrS) : undefined,
      aclKey: aclOfSubnet.get(key) ?? (vpc ? vpcs.get(keyOf(vpc))?.defaultAcl : undefined),
      natRoute,
      igwRoute: route?.igw,
      natSubnetKey: route?.nat ? natSubnet.get(route.nat) : undefined,
    });
  }
  for (const a of aclAssociations) a.subnetPath = subnets.get(a.subnet)?.path ?? a.subnet;
  const subnetKey = (s: Str): string => {
    const key = keyOf(s);
    if (!subnets.has(key)) {
      const l = literal(s);
      subnets.set(key, { key, path: l ?? key, aclKey: aclOfSubnet.get(key), natRoute: undefined });
    }
    return key;
  };

  const connectedVpcs = new Set<string>();
  for (const type of ['AWS::EC2::VPCPeeringConnection', 'AWS::EC2::TransitGatewayAttachment', 'AWS::EC2::TransitGatewayVpcAttachment']) {
    for (const cfn of r.of(type)) {
      const ctx = r.ctx(cfn);
      for (const prop of ['vpcId', 'peerVpcId']) {
        const v = r.str(ctx, r.prop(cfn, prop));
        if (v) connectedVpcs.add(keyOf(v));
      }
    }
  }

  // ---- compute (where clients run): Lambda functions and ECS services (awsvpc: subnets, groups, task role)
  const placementOfFunction = new Map<CfnResource, Placement>();
  const functionsByRole = new Map<string, CfnResource[]>();
  const useRole = (role: Str | undefined, cfn: CfnResource) => {
    if (!role) return;
    const list = functionsByRole.get(keyOf(role)) ?? [];
    list.push(cfn);
    functionsByRole.set(keyOf(role), list);
  };
  for (const cfn of r.of('AWS::Lambda::Function')) useRole(r.str(r.ctx(cfn), r.prop(cfn, 'role')), cfn);
  const taskRoles = new Map<string, Str>();
  for (const cfn of r.of('AWS::ECS::TaskDefinition')) {
    const role = r.str(r.ctx(cfn), r.prop(cfn, 'taskRoleArn'));
    if (role) taskRoles.set(keyOf(r.selfRef(cfn)), role);
  }
  for (const cfn of r.of('AWS::ECS::Service')) {
    const td = r.str(r.ctx(cfn), r.prop(cfn, 'taskDefinition'));
    if (td) useRole(taskRoles.get(keyOf(td)), cfn);
  }
  const servicePlacement = (cfn: CfnResource): Placement => {
    const ctx = r.ctx(cfn);
    const via = parentPath(cfn);
    const net = r.prop(cfn, 'networkConfiguration');
    const config = net?.awsvpcConfiguration ?? net?.AwsvpcConfiguration;
    if (!config) return { kind: 'unknown', reason: `${via} does not use the awsvpc network mode: its tasks use the network of their container instances` };
    const subnetIds = r.list(ctx, config.subnets ?? config.Subnets);
    const groups = r.list(ctx, config.securityGroups ?? config.SecurityGroups);
    if (!subnetIds || !groups || subnetIds.length === 0 || groups.length === 0) {
      return { kind: 'unknown', reason: `the subnets or security groups of ${via} are deploy-time values or defaults` };
    }
    const keys = subnetIds.map(subnetKey);
    const vpcIds = keys.map((k) => subnets.get(k)?.vpc).filter((v): v is Str => v !== undefined);
    const publicIp = String(config.assignPublicIp ?? config.AssignPublicIp ?? 'DISABLED') === 'ENABLED';
    return { kind: 'vpc', via, vpc: vpcIds[0], subnets: keys, securityGroups: groups, publicIp: publicIp || undefined };
  };
  const placementOf = (cfn: CfnResource): Placement => {
    let p = placementOfFunction.get(cfn);
    if (p) return p;
    if (cfn.cfnResourceType === 'AWS::ECS::Service') {
      p = servicePlacement(cfn);
      placementOfFunction.set(cfn, p);
      return p;
    }
    const ctx = r.ctx(cfn);
    const via = parentPath(cfn);
    const config = r.prop(cfn, 'vpcConfig');
    const subnetIds = config ? r.list(ctx, config.subnetIds ?? config.SubnetIds) : [];
    const groups = config ? r.list(ctx, config.securityGroupIds ?? config.SecurityGroupIds) : [];
    if (!config || (subnetIds && subnetIds.length === 0)) {
      p = { kind: 'outside-vpc', via };
    } else if (!subnetIds || !groups) {
      p = { kind: 'unknown', reason: `the subnets or security groups of ${via} are deploy-time values` };
    } else {
      const keys = subnetIds.map(subnetKey);
      const vpcIds = keys.map((k) => subnets.get(k)?.vpc).filter((v): v is Str => v !== undefined);
      p = { kind: 'vpc', via, vpc: vpcIds[0], subnets: keys, securityGroups: groups };
    }
    placementOfFunction.set(cfn, p);
    return p;
  };
  const samePlacement = (a: Placement, b: Placement) => JSON.stringify({ ...a, via: '' }) === JSON.stringify({ ...b, via: '' });

  // ---- clusters -----------------------------------------------------------------------------------------
  const clusters: CollectedCluster[] = [];
  const clusterByArn = new Map<string, CollectedCluster>();
  const registered = new Map<IConstruct, IDsqlCluster>();
  for (const c of registry.clusters) {
    const cfn = c.node.defaultChild;
    if (cfn && CfnResource.isCfnResource(cfn)) registered.set(cfn, c);
    else registered.set(c, c);
  }
  for (const cfn of r.of('AWS::DSQL::Cluster')) {
    const ctx = r.ctx(cfn);
    const owner = registered.get(cfn);
    const path = owner ? owner.node.path : parentPath(cfn);
    const arn = r.selfAtt(cfn, 'ResourceArn');
    const own = (owner as unknown as { resourcePolicy?: unknown } | undefined)?.resourcePolicy;
    const rawPolicy = (cfn as unknown as { policyDocument?: unknown }).policyDocument;
    let policy: Policy | undefined;
    if (own instanceof iam.PolicyDocument && Token.isUnresolved(rawPolicy) && !overridden(cfn, 'policyDocument')) {
      // The library's cluster renders this document into the L1's PolicyDocument (as a JSON string).
      policy = own.isEmpty ? undefined : parsePolicy(ctx, r.resolve(cfn, own), path);
    } else if (rawPolicy !== undefined || overridden(cfn, 'policyDocument')) {
      const value = r.prop(cfn, 'policyDocument');
      const doc = value === undefined ? undefined : jsonWithIntrinsics(value);
      // A deletion override removes the policy; a document that cannot be read is unknown.
      if (value !== undefined) policy = doc === undefined ? { name: path, statements: [], unknown: true } : parsePolicy(ctx, doc, path);
    }
    const info: ClusterInfo = {
      key: keyOf(arn),
      path,
      arn,
      account: r.account(ctx),
      imported: false,
      policyKnown: true,
      policy,
      serviceName: r.selfAtt(cfn, 'VpcEndpointServiceName'),
      auditedBy: [],
    };
    const collected = { info, construct: owner ?? ownerOf(cfn), cfn, selfId: cfn.node.path, stackPath: ctx.sid, declared: owner };
    clusters.push(collected);
    clusterByArn.set(info.key, collected);
    constructs.set(path, collected.construct);
  }
  for (const c of registry.clusters) {
    if (c.node.defaultChild && CfnResource.isCfnResource(c.node.defaultChild)) continue;
    const ctx = r.ctx(c);
    const arn = r.str(ctx, r.resolve(c, c.clusterArn))!;
    if (clusterByArn.has(keyOf(arn))) continue;
    let policy: Policy | undefined;
    if (c.connectConditions) {
      const statements = renderConnectConditions(c.connectConditions, { resources: ['*'], principal: new iam.AnyPrincipal() });
      policy = parsePolicy(ctx, r.resolve(c, { Statement: statements.map((s) => s.toStatementJson()) }), `${c.node.path} (declared connectConditions)`);
    }
    const account = c.env.account;
    const info: ClusterInfo = {
      key: keyOf(arn),
      path: c.node.path,
      arn,
      imported: true,
      policy,
      policyKnown: c.connectConditions !== undefined,
      account: Token.isUnresolved(account) ? r.str(ctx, r.resolve(c, account))! : lit(account),
      serviceName: c.vpcEndpointServiceName !== undefined ? r.str(ctx, r.resolve(c, c.vpcEndpointServiceName)) : undefined,
      auditedBy: [],
    };
    const collected = { info, construct: c, declared: c };
    clusters.push(collected);
    clusterByArn.set(info.key, collected);
    constructs.set(c.node.path, c);
  }

  // ---- connection audits: trails and event data stores whose selectors record a cluster's connections ----
  for (const type of ['AWS::CloudTrail::Trail', 'AWS::CloudTrail::EventDataStore']) {
    for (const cfn of r.of(type)) {
      if (r.prop(cfn, 'isLogging') === false) continue;
      const ctx = r.ctx(cfn);
      const selectors = r.prop(cfn, 'advancedEventSelectors');
      if (!Array.isArray(selectors)) continue;
      const parsed = selectors.map(fieldSelectorsOf).filter((x): x is NonNullable<typeof x> => x !== undefined);
      for (const c of clusters) {
        const arn = c.info.arn;
        const tests = {
          equals: (v: unknown) => { const s = r.str(ctx, v); return s === undefined ? undefined : strEquals(s, arn); },
          startsWith: (v: unknown) => (typeof v === 'string' ? globMatch(concat(lit(v), lit('*')), arn) : undefined),
          endsWith: (v: unknown) => (typeof v === 'string' ? globMatch(concat(lit('*'), lit(v)), arn) : undefined),
        };
        if (parsed.some((sel) => selectsConnections(sel, tests) === true)) c.info.auditedBy.push(parentPath(cfn));
      }
    }
  }

  // ---- endpoints ----------------------------------------------------------------------------------------
  const libraryEndpointOf = new Map<IConstruct, IConstruct>();
  for (const e of registry.endpoints) {
    const inner = (e as unknown as { endpoint?: IConstruct }).endpoint;
    const cfn = inner?.node.defaultChild;
    if (cfn) libraryEndpointOf.set(cfn, e);
    const management = (e as unknown as { managementEndpoint?: IConstruct }).managementEndpoint?.node.defaultChild;
    if (management) libraryEndpointOf.set(management, e);
  }
  const endpoints: CollectedEndpoint[] = [];
  const endpointInfos: EndpointInfo[] = [];
  const clustersByService = new Map<string, CollectedCluster[]>();
  for (const c of clusters) {
    if (!c.info.serviceName) continue;
    const key = keyOf(c.info.serviceName);
    const list = clustersByService.get(key) ?? [];
    list.push(c);
    clustersByService.set(key, list);
  }
  for (const cfn of r.of('AWS::EC2::VPCEndpoint')) {
    const ctx = r.ctx(cfn);
    const type = r.prop(cfn, 'vpcEndpointType');
    if (type !== undefined && type !== 'Interface') continue;
    const serviceName = r.str(ctx, r.prop(cfn, 'serviceName'));
    const library = libraryEndpointOf.get(cfn);
    const l = serviceName ? literal(serviceName) : undefined;
    const management = l !== undefined && MANAGEMENT_SERVICE_NAME.test(l);
    // Certainly the same service name means the same symbolic value, which is the same key.
    const served = serviceName ? clustersByService.get(keyOf(serviceName)) ?? [] : [];
    const isDsql = management || served.length > 0 || (l !== undefined && SERVICE_NAME.test(l)) || library !== undefined;
    if (!isDsql) continue;
    const path = library && !management ? library.node.path : parentPath(cfn);
    const policy = r.prop(cfn, 'policyDocument');
    const parsed = policy === undefined ? undefined : parsePolicy(ctx, jsonWithIntrinsics(policy), path);
    const id = r.selfRef(cfn);
    const sgs = r.list(ctx, r.prop(cfn, 'securityGroupIds')) ?? [];
    const subnetIds = (r.list(ctx, r.prop(cfn, 'subnetIds')) ?? []).map(subnetKey);
    const refersTo = new Set<string>();
    if (serviceName) for (const p of serviceName) if (typeof p !== 'string') refersTo.add(p.id);
    endpoints.push({
      key: keyOf(id),
      path,
      construct: library ?? ownerOf(cfn),
      cfn,
      serviceName,
      policy: parsed,
      management,
      library,
      securityGroups: sgs,
      stackPath: ctx.sid,
      holeId: cfn.node.path,
      refersTo,
    });
    constructs.set(path, library ?? ownerOf(cfn));
    if (management || served.length === 0) continue;
    endpointInfos.push({
      key: keyOf(id),
      path,
      id,
      vpc: r.str(ctx, r.prop(cfn, 'vpcId')) ?? [hole(`${path}#vpc`)],
      subnets: subnetIds,
      securityGroups: sgs,
      policy: parsed,
      clusters: served.map((c) => c.info.key),
    });
  }

  // ---- clients ------------------------------------------------------------------------------------------
  const clients = new Map<string, ClientInfo>();
  const clusterByCfn = new Map(clusters.filter((x) => x.cfn).map((x) => [x.cfn!, x]));
  const clusterInfo = (c: IDsqlCluster): CollectedCluster | undefined => {
    const cfn = c.node.defaultChild;
    if (cfn && CfnResource.isCfnResource(cfn)) return clusterByCfn.get(cfn);
    return clusterByArn.get(keyOf(r.str(r.ctx(c), r.resolve(c, c.clusterArn))!));
  };
  const addClient = (cluster: IDsqlCluster | CollectedCluster, resolved: ResolvedClient, kind: ClientKind, actions: string[], declaredBy: string,
    unmodeled?: string, handlerRoute?: string) => {
    const target = 'info' in cluster ? cluster : clusterInfo(cluster);
    if (!target) return;
    const key = `${target.info.key}|${resolved.path}`;
    const existing = clients.get(key);
    if (existing) {
      const merged: ClientInfo = {
        ...existing,
        kinds: [...new Set([...existing.kinds, kind])],
        actions: [...new Set([...existing.actions, ...actions])],
        declaredBy: [...new Set([...existing.declaredBy, declaredBy])],
        unmodeledEndpoints: unmodeled ? [...new Set([...(existing.unmodeledEndpoints ?? []), unmodeled])] : existing.unmodeledEndpoints,
        handlerOwner: existing.handlerOwner ?? (kind === 'database-role-handler' ? declaredBy : undefined),
        handlerRoute: existing.handlerRoute ?? handlerRoute,
      };
      clients.set(key, merged);
      return;
    }
    clients.set(key, {
      ...resolved.info,
      path: resolved.path,
      cluster: target.info.key,
      kinds: [kind],
      actions: [...new Set(actions)],
      declaredBy: [declaredBy],
      unmodeledEndpoints: unmodeled ? [unmodeled] : undefined,
      handlerOwner: kind === 'database-role-handler' ? declaredBy : undefined,
      handlerRoute,
    });
    if (resolved.construct) constructs.set(resolved.path, resolved.construct);
  };

  interface ResolvedClient {
    path: string;
    construct?: IConstruct;
    info: Omit<ClientInfo, 'path' | 'cluster' | 'kinds' | 'actions' | 'declaredBy'>;
  }
  const fromEntity = (e: Entity, placement: Placement): ResolvedClient['info'] => {
    const own = ownPolicies(e);
    const identity = [...own.policies];
    let principal: PrincipalRef;
    if (e.kind === 'group') {
      principal = {
        arn: [hole(`member of ${e.path}`)], account: r.account(e.ctx), rootArn: concat('arn:', r.partition(e.ctx), ':iam::', r.account(e.ctx), ':root'), type: 'unknown',
      };
      identity.push({ name: `the policies of the members of ${e.path}`, statements: [], unknown: true });
    } else {
      principal = { arn: e.arn, account: r.account(e.ctx), rootArn: concat('arn:', r.partition(e.ctx), ':iam::', r.account(e.ctx), ':root'), type: e.kind };
      if (e.kind === 'user') {
        for (const g of [...(r.list(e.ctx, r.prop(e.cfn, 'groups')) ?? []), ...(userGroups.get(keyOf(e.name)) ?? [])]) {
          const group = entityByName.get(`group:${keyOf(g)}`);
          if (group) identity.push(...ownPolicies(group).policies);
          else identity.push({ name: `the policies of group ${literal(g) ?? keyOf(g)}`, statements: [], unknown: true });
        }
      }
    }
    return { principal, identity, boundary: own.boundary, placement };
  };
  const placementForRole = (e: Entity | undefined, arn: Str): Placement => {
    const fns = functionsByRole.get(keyOf(arn)) ?? [];
    if (fns.length === 0) {
      return { kind: 'unknown', reason: e ? `no Lambda function or ECS service of the app uses ${e.path}` : 'a principal defined outside the app' };
    }
    const placements = fns.map(placementOf);
    if (placements.every((p) => samePlacement(p, placements[0]))) return placements[0];
    return { kind: 'unknown', reason: `${fns.length} Lambda functions or ECS services with different networks use it` };
  };
  const fromArn = (arn: Str, label: string): ResolvedClient['info'] => {
    const l = literal(arn);
    const m = l ? /^arn:([^:]+):iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(l) : null;
    const account = m ? lit(m[2]) : [hole(`account of ${label}`)];
    const rootArn = m ? lit(`arn:${m[1]}:iam::${m[2]}:root`) : [hole(`root of ${label}`)];
    const type = m ? (m[3] as 'role' | 'user') : 'unknown';
    const identity: Policy[] = [];
    if (m) identity.push(...(attachedByName.get(`${m[3]}:${keyOf(lit(m[4]))}`) ?? []));
    identity.push({ name: `the policies of ${label} outside the app`, statements: [], unknown: true });
    return { principal: { arn, account, rootArn, type }, identity, placement: placementForRole(undefined, arn) };
  };
  const resolveGrantee = (grantee: iam.IGrantable): ResolvedClient => {
    const principal = grantee.grantPrincipal as unknown as Record<string, unknown> & Partial<IConstruct>;
    const granteeConstruct = (grantee as unknown as IConstruct).node ? (grantee as unknown as IConstruct) : undefined;
    const scope = principal.node ? (principal as unknown as IConstruct) : granteeConstruct;
    const granteePath = (grantee as unknown as IConstruct).node?.path;
    const arnPrincipal = grantee.grantPrincipal instanceof iam.ArnPrincipal ? grantee.grantPrincipal.arn : undefined;
    const arnToken = (principal.roleArn ?? principal.userArn ?? principal.groupArn ?? arnPrincipal) as string | undefined;
    if (!scope || arnToken === undefined) {
      return {
        path: granteePath ?? String(grantee.grantPrincipal),
        info: {
          principal: { arn: [hole(`principal ${granteePath}`)], account: [hole('?')], rootArn: [hole('?')], type: 'unknown' },
          identity: [{ name: 'unknown principal', statements: [], unknown: true }],
          placement: { kind: 'unknown', reason: 'not an IAM role or user' },
        },
      };
    }
    const ctx = r.ctx(scope);
    const arn = r.str(ctx, r.resolve(scope, arnToken)) ?? [hole(`arn of ${granteePath}`)];
    const entity = entities.get(keyOf(arn));
    const fnCfn = (grantee as unknown as IConstruct).node?.defaultChild;
    const fn = fnCfn && CfnResource.isCfnResource(fnCfn) && fnCfn.cfnResourceType === 'AWS::Lambda::Function' ? fnCfn : undefined;
    if (entity) {
      const placement = fn ? placementOf(fn) : entity.kind === 'role' ? placementForRole(entity, entity.arn) : { kind: 'unknown' as const, reason: `${entity.kind}s connect from wherever their credentials are used` };
      return { path: granteePath ?? entity.path, construct: grantee as unknown as IConstruct, info: fromEntity(entity, placement) };
    }
    const l = literal(arn);
    const path = l ?? granteePath ?? keyOf(arn);
    const info = fromArn(arn, path);
    return { path, construct: grantee as unknown as IConstruct, info: fn ? { ...info, placement: placementOf(fn) } : info };
  };
  const resolveArn = (scope: IConstruct, arn: string): ResolvedClient => {
    const ctx = r.ctx(scope);
    const s = r.str(ctx, r.resolve(scope, arn)) ?? [hole(arn)];
    const entity = entities.get(keyOf(s));
    if (entity) return { path: entity.path, construct: ownerOf(entity.cfn), info: fromEntity(entity, entity.kind === 'role' ? placementForRole(entity, entity.arn) : { kind: 'unknown', reason: 'IAM users connect from wherever their credentials are used' }) };
    const label = literal(s) ?? keyOf(s);
    return { path: label, info: fromArn(s, label) };
  };

  for (const g of registry.grants) {
    const actions = g.actions.filter(isConnectAction);
    if (actions.length === 0) continue;
    addClient(g.cluster, resolveGrantee(g.grantee), 'grantee', actions, g.cluster.node.path);
  }
  for (const h of registry.handlers) {
    constructs.set(h.role.node.path, h.role);
    const e = h.endpoint;
    // It connects to one host: the endpoint's private host name when it has one, else the public one.
    const own = e ? endpoints.find((x) => !x.management && (x.path === e.node.path || x.cfn.node.path.startsWith(`${e.node.path}/`))) : undefined;
    const route = !e ? 'internet' : own ? own.path : e.node.path;
    addClient(h.cluster, resolveGrantee(h.handler), 'database-role-handler', [DB_CONNECT_ADMIN], h.role.node.path, e && !own ? e.node.path : undefined, route);
  }
  for (const d of registry.databaseRoles) {
    for (const p of d.principals) addClient(d.cluster, resolveGrantee(p), 'database-role-principal', [DB_CONNECT], d.role.node.path);
    for (const arn of d.principalArns) addClient(d.cluster, resolveArn(d.role, arn), 'database-role-principal', [DB_CONNECT], d.role.node.path);
  }
  for (const cp of registry.connectPolicies) {
    for (const mp of cp.managedPolicies) {
      const cfn = mp.node.defaultChild as CfnResource | undefined;
      if (!cfn) continue;
      const ctx = r.ctx(cfn);
      for (const [kind, prop] of [['role', 'roles'], ['user', 'users'], ['group', 'groups']] as const) {
        for (const name of r.list(ctx, r.prop(cfn, prop)) ?? []) {
          const e = entityByName.get(`${kind}:${keyOf(name)}`);
          let resolved: ResolvedClient;
          if (e) {
            const placement = e.kind === 'role' ? placementForRole(e, e.arn) : { kind: 'unknown' as const, reason: `${e.kind}s connect from wherever their credentials are used` };
            resolved = { path: e.path, construct: ownerOf(e.cfn), info: fromEntity(e, placement) };
          } else {
            const l = literal(name);
            const account = r.account(ctx);
            const arn = l !== undefined && kind !== 'group' ? concat('arn:', r.partition(ctx), ':iam::', account, `:${kind}/`, l) : [hole(`${kind} ${keyOf(name)}`)];
            const label = literal(arn) ?? `${kind} ${l ?? keyOf(name)}`;
            resolved = { path: label, info: fromArn(arn, label) };
          }
          for (const c of cp.clusters) addClient(c, resolved, 'connect-policy', cp.actions, cp.policy.node.path);
        }
      }
    }
  }

  // Every role or user whose own policies can allow a connect action on a cluster of the app is a client,
  // declared through the library or not. A cheap filter first: only documents that name a dsql: action
  // (or a wildcard, or NotAction) are read.
  const declared = new Set([...clients.values()].map((c) => `${c.cluster}|${keyOf(c.principal.arn)}`));
  for (const e of entities.values()) {
    if (e.kind === 'group') continue;
    const own = ownPolicies(e);
    const found = new Map<CollectedCluster, Set<string>>();
    for (const policy of own.policies) {
      // The filter before the document is read (reading `unknown` parses a lazy policy).
      if (mayConnectPolicies.get(policy) === false || policy.unknown) continue;
      for (const st of policy.statements) {
        if (st.effect !== 'Allow' || st.unknown) continue;
        const actions = CONNECT_ACTIONS.filter((a) => (st.actions ? st.actions.some((x) => globMatch(x, [a], true) !== false)
          : st.notActions ? !st.notActions.some((x) => globMatch(x, [a], true) === true) : false));
        if (actions.length === 0) continue;
        for (const c of clusters) {
          const reaches = st.resources ? st.resources.some((x) => globMatch(x, c.info.arn) !== false)
            : st.notResources ? !st.notResources.some((x) => globMatch(x, c.info.arn) === true) : false;
          if (!reaches || declared.has(`${c.info.key}|${keyOf(e.arn)}`)) continue;
          const set = found.get(c) ?? new Set<string>();
          for (const a of actions) set.add(a);
          found.set(c, set);
        }
      }
    }
    if (found.size === 0) continue;
    // Listed as the function that uses the role when there is exactly one, else as the role or user.
    const fns = e.kind === 'role' ? functionsByRole.get(keyOf(e.arn)) ?? [] : [];
    const fn = fns.length === 1 ? fns[0] : undefined;
    const placement = fn ? placementOf(fn) : e.kind === 'role' ? placementForRole(e, e.arn) : { kind: 'unknown' as const, reason: 'IAM users connect from wherever their credentials are used' };
    const path = fn ? parentPath(fn) : e.path;
    const resolved: ResolvedClient = { path, construct: fn ? ownerOf(fn) : ownerOf(e.cfn), info: fromEntity(e, placement) };
    for (const [c, actions] of found) addClient(c, resolved, 'identity-policy', [...actions], e.path);
  }

  const model: AccessModel = {
    clusters: clusters.map((c) => c.info),
    endpoints: endpointInfos,
    clients: [...clients.values()],
    subnets,
    acls,
    securityGroups,
    connectedVpcs,
  };
  return {
    model,
    clusters,
    endpoints,
    identityPolicies,
    aclAssociations,
    securityGroupRules: sgRules,
    constructs,
    constructCount: r.constructCount,
  };
}
