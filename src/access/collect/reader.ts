/**
 * How the collector reads the construct tree: one walk of the Stage, values as CloudFormation will see them
 * (property overrides applied), turned into symbolic strings (`../../private/policy/values`); references read
 * from the tokens (their target), not resolved in the consuming stack.
 */
import { CfnElement, CfnOutput, CfnParameter, CfnResource, Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Str, concat, hole, lit, literal } from '../../private/policy/values';
import { PLACEHOLDER, RefMarker, ReferenceReader, StackCtx } from '../../private/references';

// The reference resolver the collector reads with lives in src/private/references.ts (shared with the check of
// managed policies per identity); the readers take its stack context from here.
export type { StackCtx } from '../../private/references';

/** The resource types the model reads. */
export const TYPES = new Set([
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
export const GENERATED_NAME_PREFIX = 16;

/** Physical-id prefixes of the resource types whose `Ref` is an id of a known shape. */
export const REF_PREFIX: Record<string, [string, string]> = {
  'AWS::EC2::VPC': ['vpc-', 'vpc'],
  'AWS::EC2::VPCEndpoint': ['vpce-', 'vpce'],
  'AWS::EC2::SecurityGroup': ['sg-', 'sg'],
  'AWS::EC2::Subnet': ['subnet-', 'subnet'],
  'AWS::EC2::NetworkAcl': ['acl-', 'acl'],
  'AWS::EC2::RouteTable': ['rtb-', 'rtb'],
  'AWS::EC2::NatGateway': ['nat-', 'nat'],
  'AWS::EC2::InternetGateway': ['igw-', 'igw'],
};


export class Reader extends ReferenceReader {
  public readonly resources: CfnResource[] = [];
  public readonly byType = new Map<string, CfnResource[]>();
  public readonly outputs: CfnOutput[] = [];
  public readonly parameters: CfnParameter[] = [];
  public constructCount = 0;
  private exports?: Map<string, { ctx: StackCtx; output: CfnOutput }>;
  private readonly lidCache = new Map<CfnElement, string>();
  private readonly paths = new Map<IConstruct, string>();
  private readonly props = new Map<CfnResource, Map<string, unknown>>();

  constructor(root: Stage) {
    super();
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

  public lid(el: CfnElement): string {
    let id = this.lidCache.get(el);
    if (id === undefined) {
      id = Stack.of(el).resolve(el.logicalId) as string;
      this.lidCache.set(el, id);
    }
    return id;
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
export function propertyOverrides(cfn: CfnResource): Record<string, unknown> | undefined {
  return (cfn as unknown as { rawOverrides?: { Properties?: Record<string, unknown> } }).rawOverrides?.Properties;
}

/** Whether a property of an L1 is overridden (`name` in camelCase). */
export function overridden(cfn: CfnResource, name: string): boolean {
  const overrides = propertyOverrides(cfn);
  return overrides !== undefined && (name.charAt(0).toUpperCase() + name.slice(1)) in overrides;
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !Token.isUnresolved(v);

/**
 * A property value with its raw override merged in (override keys are CloudFormation's PascalCase names;
 * the L1's own keys are camelCase): an override field replaces the field of either spelling.
 */
export function withOverride(value: unknown, override: unknown): unknown {
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

export function asArray(v: unknown): unknown[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v];
}

export function jsonWithIntrinsics(resolved: unknown): unknown {
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
