/**
 * Decision tests: evaluate the policies a stack synthesizes for a request, with a real IAM policy
 * evaluator (@cloud-copilot/iam-simulate, a devDependency only: it is AGPL and never ships).
 *
 * The template is first resolved with deterministic fake physical ids (a Ref to a VPC becomes `vpc-…`,
 * a cluster's ResourceArn becomes `arn:aws:dsql:<region>:<account>:cluster/<id>`…), so tokens such as
 * `vpc.vpcId` or `role.roleArn` are evaluated as the values they will have after deployment.
 */
import { createHash } from 'crypto';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const ENV = { account: ACCOUNT, region: REGION };

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** A deterministic 26-character cluster id for a logical id. */
export function fakeClusterId(logicalId: string): string {
  return createHash('sha256').update(logicalId).digest('hex').replace(/[^a-z0-9]/g, '').slice(0, 26);
}

export class ResolvedTemplate {
  public readonly json: any;
  public readonly resources: Record<string, any>;

  constructor(source: Stack | Template, private readonly region = REGION, private readonly account = ACCOUNT) {
    const template = source instanceof Stack ? Template.fromStack(source).toJSON() : source.toJSON();
    this.resources = template.Resources ?? {};
    this.json = this.resolve(template);
  }

  /** The physical id that a Ref to this logical id resolves to. */
  public ref(logicalId: string): string {
    if (logicalId === 'AWS::Partition') return 'aws';
    if (logicalId === 'AWS::Region') return this.region;
    if (logicalId === 'AWS::AccountId') return this.account;
    if (logicalId === 'AWS::URLSuffix') return 'amazonaws.com';
    if (logicalId === 'AWS::StackName') return 'stack';
    const type: string = this.resources[logicalId]?.Type ?? '';
    switch (type) {
      case 'AWS::EC2::VPC': return `vpc-${hex(logicalId, 17)}`;
      case 'AWS::EC2::VPCEndpoint': return `vpce-${hex(logicalId, 17)}`;
      case 'AWS::EC2::SecurityGroup': return `sg-${hex(logicalId, 17)}`;
      case 'AWS::EC2::Subnet': return `subnet-${hex(logicalId, 17)}`;
      case 'AWS::DSQL::Cluster': return fakeClusterId(logicalId);
      case 'AWS::IAM::ManagedPolicy': return `arn:aws:iam::${this.account}:policy/${logicalId}`;
      default: return logicalId;
    }
  }

  /** The value of Fn::GetAtt [logicalId, attribute]. */
  public getAtt(logicalId: string, attribute: string): string {
    const type: string = this.resources[logicalId]?.Type ?? '';
    if (type === 'AWS::DSQL::Cluster') {
      const id = fakeClusterId(logicalId);
      switch (attribute) {
        case 'Identifier': return id;
        case 'ResourceArn': return `arn:aws:dsql:${this.region}:${this.account}:cluster/${id}`;
        case 'Endpoint': return `${id}.dsql.${this.region}.on.aws`;
        case 'VpcEndpointServiceName': return `com.amazonaws.${this.region}.dsql-${hex(logicalId, 4)}`;
        case 'VpcEndpoint': return `${id}.dsql-${hex(logicalId, 4)}.${this.region}.on.aws`;
      }
    }
    if (attribute === 'Arn' && (type === 'AWS::IAM::Role' || type === 'AWS::IAM::User')) {
      // The given name, else a generated one (`<stack>-<logical id>-<suffix>`).
      const props = this.resources[logicalId].Properties ?? {};
      const given = type === 'AWS::IAM::Role' ? props.RoleName : props.UserName;
      return `arn:aws:iam::${this.account}:${type === 'AWS::IAM::Role' ? 'role' : 'user'}/${typeof given === 'string' ? given : logicalId}`;
    }
    if (attribute === 'Arn' && type === 'AWS::KMS::Key') {
      return `arn:aws:kms:${this.region}:${this.account}:key/${hex(logicalId, 32)}`;
    }
    if (type === 'AWS::EC2::SecurityGroup' && attribute === 'GroupId') return this.ref(logicalId);
    if (type === 'AWS::EC2::VPC' && attribute === 'CidrBlock') return '10.0.0.0/16';
    return `${logicalId}.${attribute}`;
  }

  public resolve(value: any): any {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.length === 1) {
        const [k] = keys;
        const arg = value[k];
        if (k === 'Ref') return this.ref(arg);
        if (k === 'Fn::GetAtt') {
          const [id, att] = Array.isArray(arg) ? arg : String(arg).split('.');
          return this.getAtt(id, att);
        }
        if (k === 'Fn::Join') {
          const [sep, parts] = arg;
          return (this.resolve(parts) as any[]).join(sep);
        }
        if (k === 'Fn::Split') {
          const [sep, source] = arg;
          return String(this.resolve(source)).split(sep);
        }
        if (k === 'Fn::Select') {
          const [index, list] = arg;
          return this.resolve(list)[Number(this.resolve(index))];
        }
      }
      const out: Record<string, any> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.resolve(v);
      return out;
    }
    return value;
  }

  public logicalIdsOfType(type: string): string[] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type).map(([id]) => id);
  }

  /** The cluster's resource-based policy, parsed, or undefined when it has none. */
  public clusterPolicy(logicalId?: string): any | undefined {
    const id = logicalId ?? this.single('AWS::DSQL::Cluster');
    const doc = this.json.Resources[id].Properties?.PolicyDocument;
    return doc === undefined ? undefined : (typeof doc === 'string' ? JSON.parse(doc) : doc);
  }

  /** The ARN of a cluster in this template. */
  public clusterArn(logicalId?: string): string {
    return this.getAtt(logicalId ?? this.single('AWS::DSQL::Cluster'), 'ResourceArn');
  }

  /** The endpoint policy of an interface VPC endpoint. */
  public endpointPolicy(logicalId?: string): any | undefined {
    const id = logicalId ?? this.single('AWS::EC2::VPCEndpoint');
    return this.json.Resources[id].Properties?.PolicyDocument;
  }

  /** The ARN of a role defined in this template. */
  public roleArn(logicalId: string): string {
    return this.getAtt(logicalId, 'Arn');
  }

  /** Every identity policy (inline AWS::IAM::Policy and attached managed policies) of a role or user. */
  public identityPolicies(principalLogicalId: string): Array<{ name: string; policy: any }> {
    const refs = (list: any[] | undefined) => (list ?? []).map((x) => (typeof x === 'string' ? x : ''));
    const name = this.ref(principalLogicalId);
    const out: Array<{ name: string; policy: any }> = [];
    for (const [id, r] of Object.entries<any>(this.json.Resources)) {
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::IAM::Policy' && (refs(p.Roles).includes(name) || refs(p.Users).includes(name))) {
        out.push({ name: id, policy: p.PolicyDocument });
      }
      if (r.Type === 'AWS::IAM::ManagedPolicy' && (refs(p.Roles).includes(name) || refs(p.Users).includes(name))) {
        out.push({ name: id, policy: p.PolicyDocument });
      }
    }
    const own = this.json.Resources[principalLogicalId]?.Properties;
    for (const [i, inline] of (own?.Policies ?? []).entries()) {
      out.push({ name: `${principalLogicalId}-inline-${i}`, policy: inline.PolicyDocument });
    }
    for (const arn of own?.ManagedPolicyArns ?? []) {
      const m = /policy\/(.+)$/.exec(String(arn));
      const managed = m && this.json.Resources[m[1]];
      if (managed?.Type === 'AWS::IAM::ManagedPolicy') out.push({ name: m![1], policy: managed.Properties.PolicyDocument });
    }
    return out;
  }

  /**
   * The permissions boundary of a role or user defined in this template (property overrides are part of
   * the synthesized properties), when it is a managed policy of the template.
   */
  public permissionsBoundary(principalLogicalId: string): { name: string; policy: any } | undefined {
    const arn = this.json.Resources[principalLogicalId]?.Properties?.PermissionsBoundary;
    if (arn === undefined) return undefined;
    const m = /policy\/(.+)$/.exec(String(arn));
    const managed = m && this.json.Resources[m[1]];
    if (managed?.Type !== 'AWS::IAM::ManagedPolicy') throw new Error(`the boundary ${arn} is not a managed policy of the template`);
    return { name: m![1], policy: managed.Properties.PolicyDocument };
  }

  private single(type: string): string {
    const ids = this.logicalIdsOfType(type);
    if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}: ${ids.join(', ')}`);
    return ids[0];
  }
}

/** A connection attempt: who, what, on which cluster, from where. */
export interface ConnectRequest {
  readonly principal: string;
  readonly action?: string;
  readonly resource: string;
  /** Public source IP (request over the internet). */
  readonly sourceIp?: string;
  /** Request through an interface VPC endpoint: its VPC and endpoint ids. */
  readonly sourceVpc?: string;
  readonly sourceVpce?: string;
  /** The client's private address, on a request through an interface VPC endpoint (`aws:VpcSourceIp`). */
  readonly vpcSourceIp?: string;
  /** The caller's organization (`aws:PrincipalOrgID`) and paths (`aws:PrincipalOrgPaths`); absent: no organization. */
  readonly principalOrgId?: string;
  readonly principalOrgPaths?: string[];
  /** Further request context keys (e.g. `ec2:VpceServiceName`, `aws:ResourceTag/…`). */
  readonly context?: Record<string, string | string[]>;
  /**
   * The ARN that signs the request when it is not `principal`: a role's assumed-role session
   * (`arn:aws:sts::<account>:assumed-role/<name>/<session>`); `aws:PrincipalArn` stays `principal`.
   */
  readonly session?: string;
}

export interface PolicySet {
  readonly identityPolicies?: Array<{ name: string; policy: any }>;
  readonly resourcePolicy?: any;
  /** The policy of the VPC endpoint the request goes through (only applies when sourceVpce is set). */
  readonly endpointPolicy?: any;
  /** The principal's permissions boundary, when it has one. */
  readonly permissionsBoundary?: { name: string; policy: any };
}

function context(req: ConnectRequest): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = { ...req.context, 'aws:PrincipalArn': req.principal, 'aws:PrincipalAccount': ACCOUNT };
  if (req.sourceIp) ctx['aws:SourceIp'] = req.sourceIp;
  if (req.sourceVpc) ctx['aws:SourceVpc'] = req.sourceVpc;
  if (req.sourceVpce) ctx['aws:SourceVpce'] = req.sourceVpce;
  if (req.vpcSourceIp) ctx['aws:VpcSourceIp'] = req.vpcSourceIp;
  if (req.principalOrgId) ctx['aws:PrincipalOrgID'] = req.principalOrgId;
  if (req.principalOrgPaths) ctx['aws:PrincipalOrgPaths'] = req.principalOrgPaths;
  return ctx;
}

async function simulate(identityPolicies: Array<{ name: string; policy: any }>, resourcePolicy: any, req: ConnectRequest,
  permissionsBoundary?: { name: string; policy: any }): Promise<Decision> {
  const response: any = await runSimulation({
    identityPolicies,
    permissionBoundaryPolicies: permissionsBoundary ? [permissionsBoundary] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    request: {
      action: req.action ?? 'dsql:DbConnect',
      principal: req.session ?? req.principal,
      resource: { accountId: ACCOUNT, resource: req.resource },
      contextVariables: context(req),
    },
  } as any, {});
  if (response.resultType === 'error') {
    throw new Error(`policy evaluation failed: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult as Decision;
}

/**
 * The decision AWS makes for a connect request: identity policies and the cluster resource policy, and,
 * for a request through an endpoint with a policy, that endpoint policy too (it must allow and not deny).
 */
export async function decide(policies: PolicySet, req: ConnectRequest): Promise<Decision> {
  if (policies.endpointPolicy && req.sourceVpce) {
    const throughEndpoint = await simulate([], policies.endpointPolicy, req);
    if (throughEndpoint !== 'Allowed') return throughEndpoint;
  }
  return simulate(policies.identityPolicies ?? [], policies.resourcePolicy, req, policies.permissionsBoundary);
}

/** An identity policy that allows the given actions on the given resources: a role's own permissions. */
export function allowPolicy(actions: string[], resources: string[]): { name: string; policy: any } {
  return {
    name: `allow-${hex(actions.join() + resources.join(), 8)}`,
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }] },
  };
}
