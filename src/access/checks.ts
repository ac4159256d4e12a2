/**
 * The checks of the access model: errors where the deployment itself would fail or a restriction is no
 * restriction, warnings (with ids, to acknowledge) where a declared client can never connect or a value
 * cannot be checked. Every message names the construct paths, the layer and the fix.
 */
import { CfnDeletionPolicy } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Collected } from './collect';
import { ClientVerdict, ClusterVerdict, Layer, RouteVerdict } from './model';
import { mergeCidrs } from '../private/cidr';
import { formatFailure } from '../private/errors';
import { NETWORK_KEYS } from '../private/facts/condition-keys';
import { Policy, Statement } from '../private/policy/evaluate';
import { bpaRejects, wildcardReach } from '../private/policy/predicates';
import { Str, hasParam, keyOf, literal, show } from '../private/policy/values';
import { clientCidrProblem } from '../private/security-group-rules';

export interface Finding {
  readonly level: 'error' | 'warning';
  /** `secure-dsql:…` for warnings (the acknowledgement id), a short name for errors. */
  readonly id: string;
  /** The construct the finding is about. */
  readonly path: string;
  readonly construct?: IConstruct;
  readonly layer: Layer | 'removal-policy' | 'dependency';
  readonly message: string;
}

/** Warning ids, to acknowledge with `Annotations.of(scope).acknowledgeWarning(id)`. */
export const WARNINGS = {
  clientCannotConnect: 'secure-dsql:client-cannot-connect',
  rootPrincipalArn: 'secure-dsql:root-principal-arn',
  deployTimeNetworkValue: 'secure-dsql:deploy-time-network-allow-list',
  handlerRouteUnknown: 'secure-dsql:handler-route-unknown',
} as const;

const LAYER_FIX: Record<Layer, string> = {
  'identity': 'grant it the action on this cluster (cluster.grantConnect(client) or a DsqlConnectPolicy) and remove the Deny that matches it',
  'cluster-policy': 'widen the cluster\'s connectConditions so that they admit it (its principal, or the VPC/endpoint it connects through)',
  'endpoint-policy': 'list it in the endpoint\'s allowedPrincipalArns, or connect through another endpoint',
  'security-group': 'admit it on the endpoint (endpoint.allowFrom(client) or allowedClients) and give its security group outbound TCP 5432',
  'network-acl': 'admit its subnets in the network ACL in both directions (TCP 5432 in, TCP 1024-65535 back), e.g. networkAcl.allowedCidrs',
  'placement': 'run it where a route exists: in the endpoint\'s VPC for a private path, or outside any VPC / behind a NAT gateway for the public endpoint',
};

function routeSummary(r: RouteVerdict): string {
  const how = r.allowed ? 'allowed' : r.unknown ? 'unknown' : `denied by ${r.deniedBy.join(', ')}`;
  return `${r.via}: ${how}`;
}

/**
 * The fixes of the denying layers, the closest route first: the route that the fewest layers deny (on a
 * cluster that blocks public access, the endpoint's security group before the cluster policy that denies
 * the internet by design).
 */
function fixFor(routes: RouteVerdict[]): string {
  const closest = [...routes].filter((r) => !r.allowed && !r.unknown).sort((a, b) => a.deniedBy.length - b.deniedBy.length);
  const layers = [...new Set(closest.flatMap((r) => r.deniedBy))];
  return layers.map((l) => `${l}: ${LAYER_FIX[l]}`).join('; ');
}

/** The layers that deny, the closest route first (as `fixFor`). */
function denyingLayers(routes: RouteVerdict[]): Layer[] {
  const closest = [...routes].filter((r) => !r.allowed && !r.unknown).sort((a, b) => a.deniedBy.length - b.deniedBy.length);
  return [...new Set(closest.flatMap((r) => r.deniedBy))];
}

function hostOf(route: string): string {
  return route === 'internet' ? 'the cluster\'s public host name' : `the private host name of ${route}`;
}

/**
 * Whether an address condition lets requests through by listing the addresses it admits: Allow with
 * `IpAddress`, or Deny with `NotIpAddress` (`…IfExists` alike). Only there is a list that covers every
 * address no restriction at all.
 */
export function admitsByAddress(effect: 'Allow' | 'Deny', operator: string): boolean {
  const base = operator.replace(/^For(Any|All)Value:/, '').replace(/IfExists$/, '');
  return (effect === 'Allow' && base === 'IpAddress') || (effect === 'Deny' && base === 'NotIpAddress');
}

function statementLabel(policy: Policy, s: Statement, i: number): string {
  return `${policy.name} statement ${s.sid ?? `#${i}`}`;
}

function isDsqlStatement(s: Statement): boolean {
  return (s.actions ?? []).some((a) => {
    const l = literal(a);
    return l === undefined || l === '*' || l.toLowerCase().startsWith('dsql:');
  }) || s.notActions !== undefined;
}

/** Every condition of the given keys in the policies, with where it is. */
function* conditionsOf(policies: Array<{ policy: Policy; construct: IConstruct; kind: string }>, keys: string[]) {
  for (const { policy, construct, kind } of policies) {
    if (policy.unknown) continue;
    for (const [i, s] of policy.statements.entries()) {
      if (kind === 'identity' && !isDsqlStatement(s)) continue;
      for (const c of s.conditions) {
        if (keys.includes(c.key.toLowerCase())) yield { policy, construct, kind, statement: s, index: i, condition: c };
      }
    }
  }
}

/** Run every check on the collected app and its verdicts. */
export function runChecks(collected: Collected, verdicts: ClusterVerdict[]): Finding[] {
  const findings: Finding[] = [];
  const error = (path: string, layer: Finding['layer'], id: string, prop: string, value: unknown, problem: string, fix: string, construct?: IConstruct) =>
    findings.push({ level: 'error', id, path, layer, construct, message: formatFailure(path, prop, value, problem, `Layer: ${layer}. ${fix}`) });
  const warning = (construct: IConstruct | undefined, path: string, layer: Finding['layer'], id: string, message: string) =>
    findings.push({ level: 'warning', id, path, layer, construct, message });

  // Clients that can never connect, and the handler whose deployment would fail.
  for (const cv of verdicts) {
    for (const v of cv.clients) checkClient(cv, v);
  }
  function checkHandler(cv: ClusterVerdict, v: ClientVerdict): void {
    // The handler connects to one host: it is judged on that route only.
    const via = v.client.handlerRoute!;
    const own = v.routes.find((r) => r.via === via);
    if (!own || own.allowed) return;
    const owner = v.client.handlerOwner ?? v.client.declaredBy[0];
    const others = v.routes.filter((r) => r.via !== via && r.allowed).map((r) => r.via);
    const instead = others.length === 0 ? ''
      : others[0] === 'internet'
        ? ' Or leave endpoint out: the handler would connect to the public host name, which it can reach.'
        : ` Or give endpoint: ${others[0]} (cluster.addDatabaseRole(..., { endpoint })): the handler would connect to its private host name, which it can reach.`;
    const reasons = own.reasons.filter((x) => own.unknown || !x.includes('is not known'));
    if (own.unknown) {
      warning(collected.constructs.get(owner), owner, own.unknownLayers[0] ?? 'placement', WARNINGS.handlerRouteUnknown,
        `The database-role handler ${v.client.path} of ${owner} connects to ${hostOf(via)} of cluster ${cv.cluster.path}, and whether it gets through `
        + `is not known at synth (layers: ${own.unknownLayers.join(', ')}): ${reasons.join('; ')}. If it cannot connect, the deployment fails when the custom resource runs. `
        + `Fix: ${own.unknownLayers.map((l) => `${l}: ${LAYER_FIX[l]}`).join('; ')}.${instead}`);
      return;
    }
    findings.push({
      level: 'error',
      id: 'handler-unreachable',
      path: owner,
      layer: own.deniedBy[0] ?? 'placement',
      construct: collected.constructs.get(owner),
      message: formatFailure(owner, 'handler', v.routes.map(routeSummary),
        `cannot reach cluster ${cv.cluster.path} on the one route it uses, ${hostOf(via)} (${reasons.join('; ')}), so the deployment would fail when the custom resource connects`,
        `Layer: ${own.deniedBy.join(', ')}. The handler ${v.client.path} must connect as admin: ${fixFor([own])}.${instead}`
        + (via === 'internet' && others.length === 0 ? ' For a cluster reachable only privately, give endpoint (cluster.addPrivateLinkEndpoint(...)).' : '')),
    });
  }

  function checkClient(cv: ClusterVerdict, v: ClientVerdict) {
    if (v.client.handlerRoute !== undefined) {
      checkHandler(cv, v);
      if (v.client.kinds.length === 1) return;
    }
    const never = v.routes.length > 0 && v.routes.every((r) => !r.allowed && !r.unknown);
    if (!never) return;
    const summary = v.routes.map(routeSummary);
    const reasons = v.routes.flatMap((r) => r.reasons.filter((x) => !x.includes('is not known')));
    const layers = denyingLayers(v.routes);
    const construct = collected.constructs.get(v.client.path) ?? collected.constructs.get(v.client.declaredBy[0]);
    warning(construct, v.client.path, layers[0] ?? 'placement', WARNINGS.clientCannotConnect,
      `${v.client.path} is declared to connect to ${cv.cluster.path} (${v.client.kinds.join(', ')}, by ${v.client.declaredBy.join(', ')}) `
      + `but cannot on any route: ${summary.join('; ')}. Why: ${reasons.join('; ')}. Layers: ${layers.join(', ')}. Fix: ${fixFor(v.routes)}.`);
  }

  // Policies: which ones are read by which check.
  const clusterPolicies = collected.clusters.filter((c) => c.info.policy && !c.info.imported)
    .map((c) => ({ policy: c.info.policy!, construct: c.construct, kind: 'cluster-policy' }));
  const endpointPolicies = collected.endpoints.filter((e) => e.policy && !e.management)
    .map((e) => ({ policy: e.policy!, construct: e.construct, kind: 'endpoint-policy' }));
  const identityPolicies = collected.identityPolicies.map((p) => ({ policy: p.policy, construct: p.construct, kind: 'identity' }));
  const layerOf = (kind: string): Finding['layer'] => (kind === 'cluster-policy' ? 'cluster-policy' : kind === 'endpoint-policy' ? 'endpoint-policy' : 'identity');

  // A set of CIDR blocks that together admit every address of a family, where that makes the statement
  // restrict nothing: an Allow that tests IpAddress, or a Deny that tests NotIpAddress (its exceptions). A
  // Deny with IpAddress over every address denies every request that carries the key, which is a
  // restriction (and an Allow with NotIpAddress over every address allows nothing).
  for (const x of conditionsOf([...clusterPolicies, ...endpointPolicies, ...identityPolicies], ['aws:sourceip', 'aws:vpcsourceip'])) {
    if (!x.condition.values || !admitsByAddress(x.statement.effect, x.condition.operator)) continue;
    const cidrs = x.condition.values.map(literal).filter((l): l is string => l !== undefined);
    let merged: string[];
    try {
      merged = mergeCidrs(cidrs.map((c) => (c.includes('/') ? c : `${c}/${c.includes(':') ? 128 : 32}`)));
    } catch {
      continue;
    }
    const all = merged.filter((m) => m === '0.0.0.0/0' || m === '::/0');
    if (all.length === 0) continue;
    error(x.construct.node.path, layerOf(x.kind), 'cidrs-admit-everything', `${statementLabel(x.policy, x.statement, x.index)} ${x.condition.key}`, cidrs,
      `lists blocks that together admit every ${all.map((a) => (a === '::/0' ? 'IPv6' : 'IPv4')).join(' and ')} address, which is no restriction at all`,
      'List only the networks you trust (merging adjacent blocks must not give 0.0.0.0/0 or ::/0), or leave the condition out.', x.construct);
  }

  // Principal allow-lists that name the account root.
  for (const x of conditionsOf([...clusterPolicies, ...endpointPolicies, ...identityPolicies], ['aws:principalarn'])) {
    for (const v of x.condition.values ?? []) {
      const l = literal(v);
      if (l === undefined || !/^arn:[^:]+:iam::\d{12}:root$/.test(l)) continue;
      warning(x.construct, x.construct.node.path, layerOf(x.kind), WARNINGS.rootPrincipalArn,
        `${statementLabel(x.policy, x.statement, x.index)} lists ${l} under aws:PrincipalArn (layer: ${layerOf(x.kind)}). aws:PrincipalArn is the ARN of the `
        + 'role or user that signs the request, so this entry matches the account\'s root user only, never its roles or users: it does not mean "this account". '
        + 'Fix: list the role or user ARNs (wildcards such as arn:aws:iam::123456789012:role/app-* work), or use aws:PrincipalAccount for a whole account.');
    }
  }

  // Deploy-time values in network allow-lists.
  for (const x of conditionsOf([...clusterPolicies, ...endpointPolicies, ...identityPolicies], [...NETWORK_KEYS])) {
    const values: Str[] | undefined = x.condition.values;
    if (values && !values.some(hasParam)) continue;
    warning(x.construct, x.construct.node.path, layerOf(x.kind), WARNINGS.deployTimeNetworkValue,
      `${statementLabel(x.policy, x.statement, x.index)} tests ${x.condition.key} against a deploy-time value (a parameter or an import) `
      + `(layer: ${layerOf(x.kind)}): the library cannot check at synth that it is a valid, non-empty, restrictive list. `
      + 'Fix: give the values as literals or as references to resources of the app, or make sure the parameter can only hold the networks you trust.');
  }

  // Principal allow-lists of a cluster policy that name principals of other accounts only: Aurora DSQL
  // admits principals of the cluster's own account only, so nobody can connect.
  for (const c of collected.clusters) {
    if (!c.info.policy || c.info.policy.unknown) continue;
    const account = literal(c.info.account);
    if (account === undefined) continue;
    c.info.policy.statements.forEach((s, i) => {
      if (s.effect !== 'Deny') return;
      for (const x of s.conditions) {
        const key = x.key.toLowerCase();
        if ((key !== 'aws:principalarn' && key !== 'aws:principalaccount') || !/^(String|Arn)Not(Equals|Like)(IfExists)?$/.test(x.operator) || !x.values?.length) continue;
        const accounts = x.values.map((v) => {
          const l = literal(v);
          const m = l === undefined ? null : key === 'aws:principalaccount' ? /^(\d{12})$/.exec(l) : /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(l);
          return m ? m[1] : undefined;
        });
        if (accounts.some((a) => a === undefined || a === account)) continue;
        error(c.info.path, 'cluster-policy', 'principal-allow-list-other-account', `resource policy ${statementLabel(c.info.policy!, s, i)} ${x.key}`,
          x.values.map((v) => literal(v)), `admits principals of account${new Set(accounts).size > 1 ? 's' : ''} ${[...new Set(accounts)].join(', ')} only, but Aurora DSQL admits principals `
          + `of the cluster's own account (${account}) only: every connection would be denied`,
          'List roles or users of this account (for access from another account, have it assume a role of this account), or leave the allow-list out.', c.construct);
      }
    });
  }

  // Resource-based policies DSQL would reject, or that restrict nothing.
  for (const c of collected.clusters) {
    if (c.info.imported || !c.info.policy || c.info.policy.unknown) continue;
    const account = literal(c.info.account);
    c.info.policy.statements.forEach((s, i) => {
      const label = statementLabel(c.info.policy!, s, i);
      if (s.effect === 'Allow' && s.notPrincipal) {
        error(c.info.path, 'cluster-policy', 'resource-policy-not-principal', `resource policy ${label}`, 'Allow with NotPrincipal',
          'grants to everyone but the listed principals', 'Allow specific principals of this account, or express the exception as a Deny with an ArnNotLike aws:PrincipalArn condition.', c.construct);
      }
      if (s.effect === 'Deny' && s.notPrincipal && !s.notPrincipal.any) {
        error(c.info.path, 'cluster-policy', 'resource-policy-deny-not-principal', `resource policy ${label}`, 'Deny with NotPrincipal',
          'exempts principals by the ARN they sign with, but a role signs as its assumed-role session (arn:aws:sts::<account>:assumed-role/<role>/<session>), not as the role\'s ARN, '
          + 'and a principal with a permissions boundary is never exempt: the roles it means to exempt may be denied at run time',
          'Deny to Principal "*" with the exceptions in a condition instead: "Condition": {"ArnNotEquals": {"aws:PrincipalArn": ["<role ARN>", ...]}} '
          + '(connectConditions.principalArns renders exactly that).', c.construct);
      }
      if (s.effect === 'Allow' && s.principal) {
        for (const p of s.principal.aws) {
          const l = literal(p);
          const m = l ? /^(?:arn:[^:]+:iam::)?(\d{12})(?::|$)/.exec(l) : null;
          if (m && account && m[1] !== account) {
            error(c.info.path, 'cluster-policy', 'resource-policy-other-account', `resource policy ${label} Principal`, l,
              `names account ${m[1]}, but Aurora DSQL resource-based policies admit principals of the cluster's own account (${account}) only`,
              'Remove the statement; for access from another account, have a role of this account assumed by it.', c.construct);
          }
        }
        if (bpaRejects(s)) {
          error(c.info.path, 'cluster-policy', 'resource-policy-public', `resource policy ${label}`, 'Allow to *',
            'grants to every principal without a condition on a trusted key (aws:PrincipalAccount, aws:SourceVpc, aws:SourceVpce, aws:PrincipalOrgID…), which Aurora DSQL block public access rejects at deploy time',
            'Allow specific principals of this account, or restrict network origin with Deny statements (connectConditions).', c.construct);
        }
      }
    });
  }

  // Removal policies AWS::DSQL::Cluster does not support (Snapshot is for a few resource types only).
  for (const c of collected.clusters) {
    const cfn = c.cfn;
    if (!cfn) continue;
    for (const [prop, value] of [['DeletionPolicy', cfn.cfnOptions.deletionPolicy], ['UpdateReplacePolicy', cfn.cfnOptions.updateReplacePolicy]] as const) {
      if (value === CfnDeletionPolicy.SNAPSHOT) {
        error(c.info.path, 'removal-policy', 'unsupported-removal-policy', `removalPolicy (${prop})`, 'Snapshot',
          'is not supported by AWS::DSQL::Cluster: CloudFormation takes snapshots of a few resource types only (EC2 volumes, ElastiCache, RDS, Redshift, Neptune, DocumentDB) and rejects the template',
          'Use RemovalPolicy.RETAIN (the default), or DESTROY with deletionProtection: false. For backups of a DSQL cluster use AWS Backup.', c.construct);
      }
    }
  }

  // A dependency cycle: the cluster's own endpoint in the cluster's own policy.
  for (const c of collected.clusters) {
    if (!c.selfId || !c.info.policy || c.info.policy.unknown) continue;
    const holes = new Set<string>();
    for (const s of c.info.policy.statements) {
      const strs: Str[] = [...(s.resources ?? []), ...s.conditions.flatMap((x) => x.values ?? []), ...(s.principal?.aws ?? [])];
      for (const str of strs) for (const p of str) if (typeof p !== 'string') holes.add(p.id);
    }
    for (const e of collected.endpoints) {
      if (e.stackPath !== c.stackPath || !holes.has(e.holeId)) continue;
      if (![...e.refersTo].some((id) => id.startsWith(`${c.selfId}#`))) continue;
      error(c.info.path, 'dependency', 'policy-endpoint-cycle', 'resource policy', e.path,
        `names the interface endpoint ${e.path}, which itself is created from this cluster's service name: the cluster would depend on the endpoint and the endpoint on the cluster, a cycle CloudFormation rejects`,
        'Trust the endpoint\'s VPC instead (connectConditions.sourceVpcIds: [vpc.vpcId]), put the endpoint condition in the clients\' identity policy '
        + '(DsqlConnectPolicy conditions.sourceVpcEndpointIds), or import the cluster with its concrete vpcEndpointServiceName (fromClusterAttributes) '
        + 'so that the endpoint no longer depends on it.', c.construct);
    }
  }

  // Management endpoint policies whose wildcards reach write or connect actions.
  for (const e of collected.endpoints) {
    if (!e.management || !e.policy || e.policy.unknown) continue;
    e.policy.statements.forEach((s, i) => {
      if (s.effect !== 'Allow') return;
      for (const a of s.actions ?? []) {
        const l = literal(a);
        if (l === undefined || !/[*?]/.test(l)) continue;
        const reached = wildcardReach(a);
        if (reached.length === 0) continue;
        error(e.path, 'endpoint-policy', 'management-wildcard', `managementActions (${statementLabel(e.policy!, s, i)})`, l,
          `is a wildcard that admits ${reached.join(', ')} through the management endpoint, not only reading`,
          'List the management actions exactly (e.g. "dsql:GetCluster", "dsql:UpdateCluster"), or use read-only wildcards such as "dsql:Get*" and "dsql:List*".', e.construct);
      }
    });
  }

  // Two network ACLs claimed for one subnet.
  const bySubnet = new Map<string, Array<Collected['aclAssociations'][number]>>();
  for (const a of collected.aclAssociations) {
    const list = bySubnet.get(a.subnet) ?? [];
    list.push(a);
    bySubnet.set(a.subnet, list);
  }
  for (const list of bySubnet.values()) {
    const acls = [...new Set(list.map((a) => a.aclPath))];
    if (acls.length < 2) continue;
    error(list[0].subnetPath, 'network-acl', 'two-acls-one-subnet', 'network ACL', acls,
      `is claimed by ${acls.length} network ACLs (${list.map((a) => a.path).join(', ')}); a subnet has exactly one, so one association silently replaces the other and its rules stop applying`,
      'Give each endpoint (or ACL) its own subnets, or use one network ACL that carries the rules of both.');
  }

  // Security-group rules anywhere in the app that open a library endpoint beyond private ranges.
  const ingressByGroup = new Map<string, Array<Collected['securityGroupRules'][number]>>();
  for (const x of collected.securityGroupRules) {
    if (!x.ingress) continue;
    const list = ingressByGroup.get(x.group) ?? [];
    list.push(x);
    ingressByGroup.set(x.group, list);
  }
  for (const e of collected.endpoints) {
    if (!e.library || e.management) continue;
    const ownGroup = (e.library as unknown as { securityGroup?: IConstruct }).securityGroup;
    for (const id of e.securityGroups) {
      for (const x of ingressByGroup.get(keyOf(id)) ?? []) {
        const under = ownGroup && (x.inlineOf === ownGroup || x.construct.node.path.startsWith(`${ownGroup.node.path}/`));
        if (under) continue; // the endpoint's own validation reports these
        if (x.rule.cidrUnknown) {
          warning(x.construct, x.construct.node.path, 'security-group', WARNINGS.deployTimeNetworkValue,
            `${x.construct.node.path} admits a deploy-time CIDR block to the endpoint ${e.path} (layer: security-group): it cannot be checked at synth. `
            + 'Fix: admit clients by security group (endpoint.allowFrom(client)), or make sure the value is a private range.');
          continue;
        }
        if (!x.rule.cidr) continue;
        const problem = clientCidrProblem(x.rule.cidr);
        if (!problem) continue;
        error(x.construct.node.path, 'security-group', 'endpoint-public-ingress', `ingress rule to ${e.path}`, x.rule.cidr,
          `${problem} (security group ${show(id)} of the Aurora DSQL endpoint)`,
          'Admit clients by security group (endpoint.allowFrom(client) / allowedClients) or by private CIDR block only; remove that rule.', x.construct);
      }
    }
  }
  return dedupe(findings);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.level}|${f.id}|${f.path}|${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
