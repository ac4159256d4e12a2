/**
 * The evaluator of the access model: for each declared client of a cluster and each route (the public
 * endpoint, each interface endpoint that serves the cluster), allowed or denied, and by which layers.
 * Pure: no CDK. Unknowns stay unknown; a route is allowed only when every layer certainly allows it.
 *
 * Facts (Aurora DSQL User Guide, "Resource-based policies", "Managing and connecting to Aurora DSQL clusters
 * using AWS PrivateLink"; AWS Lambda Developer Guide, "Giving Lambda functions access to resources in an
 * Amazon VPC" and "Enable internet access for VPC-connected Lambda functions"):
 * - the cluster's resource-based policy admits principals of the cluster's own account only;
 * - same-account access: an Allow in the identity policy or in the resource policy grants, an explicit
 *   Deny in either wins; through an interface endpoint, its policy must allow too and must not deny;
 * - on the public endpoint the request carries `aws:SourceIp` and no `aws:SourceVpc`/`aws:SourceVpce`/
 *   `aws:VpcSourceIp`; through an interface endpoint the reverse;
 * - a Lambda function outside any VPC reaches the internet (the public endpoint) but no interface
 *   endpoint; in a VPC it reaches the internet only through a NAT gateway (it never has a public address,
 *   so a route to an internet gateway is not enough), and an interface endpoint of its own VPC.
 */
import { AccessModel, ClientInfo, ClientVerdict, ClusterInfo, ClusterVerdict, EndpointInfo, LAYERS, Layer, RouteVerdict, SubnetInfo } from './model';
import { AclOutcome, DSQL_PORT, EPHEMERAL, PUBLIC_V4, aclVerdict, sgVerdict } from './network';
import { KeyValue, Request, endpointKeys, evaluatePolicies, grantsToSession, internetKeys, principalKeys } from '../private/policy/evaluate';
import { Str, Tri, keyOf, show, strEquals } from '../private/policy/values';

type LayerResults = Map<Layer, { verdict: Tri; reasons: string[] }>;

function note(results: LayerResults, layer: Layer, verdict: Tri, reason?: string): void {
  const current = results.get(layer) ?? { verdict: true as Tri, reasons: [] };
  const combined = Tri.and(current.verdict, verdict);
  const reasons = [...current.reasons];
  if (reason && verdict !== true && !reasons.includes(reason)) reasons.push(reason);
  results.set(layer, { verdict: combined, reasons });
}

/** The IAM layers for one action over one route. */
function iamLayers(client: ClientInfo, cluster: ClusterInfo, endpoint: EndpointInfo | undefined, action: string,
  sourceCidrs?: string[]): LayerResults {
  const results: LayerResults = new Map();
  const common: ReadonlyMap<string, KeyValue> = principalKeys(client.principal);
  const keys = endpoint ? endpointKeys(common, endpoint.vpc, endpoint.id, sourceCidrs) : internetKeys(common);
  const req: Request = { principal: client.principal, principalHasBoundary: client.boundary !== undefined, action, resource: cluster.arn, keys };
  const via = endpoint ? `through ${endpoint.path}` : 'over the internet';

  const identity = evaluatePolicies(client.identity, req, false);
  const boundary = client.boundary
    ? evaluatePolicies([client.boundary], req, false)
    : { allow: true as Tri, deny: false as Tri, denyingStatements: [] };
  const clusterPolicy = cluster.policyKnown
    ? evaluatePolicies(cluster.policy ? [cluster.policy] : [], req, true)
    : { allow: undefined as Tri, deny: undefined as Tri, denyingStatements: [] };

  if (identity.deny !== false) {
    note(results, 'identity', Tri.not(identity.deny), identity.deny
      ? `identity: ${identity.denyingStatements.join(', ')} deny ${action} ${via}`
      : `identity: a policy of ${client.path} may deny ${action} ${via} (its content or its conditions are not known at synth)`);
  }
  if (boundary.deny !== false) {
    note(results, 'identity', Tri.not(boundary.deny), `identity: the permissions boundary ${client.boundary?.name ?? ''} of ${client.path} ${boundary.deny ? 'denies' : 'may deny'} ${action}`);
  }
  if (clusterPolicy.deny !== false) {
    note(results, 'cluster-policy', Tri.not(clusterPolicy.deny), clusterPolicy.deny
      ? `cluster-policy: ${clusterPolicy.denyingStatements.join(', ')} deny ${action} ${via}`
      : cluster.policyKnown
        ? `cluster-policy: the resource policy of ${cluster.path} may deny ${action} ${via} (a value it tests is not known at synth)`
        : `cluster-policy: the resource policy of the imported cluster ${cluster.path} is not known (declare connectConditions when importing it)`);
  }
  const sameAccount = strEquals(client.principal.account, cluster.account);
  if (sameAccount !== true) {
    note(results, 'cluster-policy', sameAccount, sameAccount === false
      ? `cluster-policy: ${client.path} is in account ${show(client.principal.account)}, but Aurora DSQL admits principals of the cluster's own account ${show(cluster.account)} only`
      : `cluster-policy: whether ${client.path} is in the cluster's account is not known at synth`);
  }
  // Same account: an Allow in the identity policy (within its boundary) or in the resource policy grants.
  // With a boundary, a resource-policy Allow to a role's ARN is limited by the boundary too; one to the
  // role's session (Principal "*") or to a user's ARN is not (IAM User Guide, "Policy evaluation logic").
  let resourceGrant = clusterPolicy.allow;
  if (client.boundary && client.principal.type !== 'user' && cluster.policyKnown && cluster.policy) {
    const toSession = evaluatePolicies([cluster.policy], req, true, grantsToSession).allow;
    resourceGrant = client.principal.type === 'role' ? Tri.or(toSession, Tri.and(clusterPolicy.allow, boundary.allow)) : Tri.or(toSession, Tri.and(clusterPolicy.allow, undefined));
  }
  const grant = Tri.or(Tri.and(identity.allow, boundary.allow), resourceGrant);
  if (grant !== true) {
    const bounded = client.boundary && boundary.allow === false && Tri.or(identity.allow, clusterPolicy.allow) !== false;
    note(results, 'identity', grant, grant === false
      ? bounded
        ? `identity: the permissions boundary ${client.boundary!.name} of ${client.path} does not allow ${action} on ${cluster.path}, so neither its identity policies nor a resource-policy grant to its ARN count`
        : `identity: no policy of ${client.path} allows ${action} on ${cluster.path}`
      : `identity: whether a policy of ${client.path} allows ${action} on ${cluster.path} is not known at synth`);
  }
  if (endpoint) {
    if (endpoint.policy) {
      const ep = evaluatePolicies([endpoint.policy], req, true);
      if (ep.deny !== false) {
        note(results, 'endpoint-policy', Tri.not(ep.deny), ep.deny
          ? `endpoint-policy: ${ep.denyingStatements.join(', ')} deny ${action}`
          : `endpoint-policy: the policy of ${endpoint.path} may deny ${action} (a value it tests is not known at synth)`);
      }
      if (ep.allow !== true) {
        note(results, 'endpoint-policy', ep.allow, ep.allow === false
          ? `endpoint-policy: the policy of ${endpoint.path} does not allow ${action} for ${client.path} on ${cluster.path}`
          : `endpoint-policy: whether the policy of ${endpoint.path} allows ${action} for ${client.path} is not known at synth`);
      }
    }
  }
  return results;
}

function subnetLabel(s: SubnetInfo | undefined, key: string): string {
  return s ? s.path : key;
}

function describeAcl(model: AccessModel, subnet: SubnetInfo | undefined): string {
  const acl = subnet?.aclKey ? model.acls.get(subnet.aclKey) : undefined;
  return acl ? acl.path : 'its network ACL';
}

/** One NACL hop: the ACL of `subnet` for traffic to/from `peers` on `ports`. */
function aclHop(results: LayerResults, model: AccessModel, subnet: SubnetInfo | undefined, subnetKey: string, egress: boolean,
  peers: string[] | undefined, ports: { from: number; to: number }, what: string): Tri {
  const acl = subnet?.aclKey ? model.acls.get(subnet.aclKey) : undefined;
  const outcome: AclOutcome = acl ? aclVerdict(acl, egress, peers, ports) : { verdict: undefined };
  const portText = ports.from === ports.to ? `port ${ports.from}` : `ports ${ports.from}-${ports.to}`;
  const reason = outcome.verdict === false
    ? `network-acl: ${describeAcl(model, subnet)} on ${subnetLabel(subnet, subnetKey)} drops ${what} (${egress ? 'outbound' : 'inbound'} TCP ${portText}, ${outcome.deniedBy})`
    : outcome.verdict === undefined
      ? `network-acl: whether ${subnet?.aclKey ? describeAcl(model, subnet) : 'the network ACL'} on ${subnetLabel(subnet, subnetKey)} passes ${what} (${egress ? 'outbound' : 'inbound'} TCP ${portText}) is not known at synth`
      : undefined;
  note(results, 'network-acl', outcome.verdict, reason);
  return outcome.verdict;
}

function groupsOf(model: AccessModel, ids: Str[]) {
  return ids.map((id) => model.securityGroups.get(keyOf(id)));
}

function groupNames(model: AccessModel, ids: Str[]): string {
  return ids.map((id) => model.securityGroups.get(keyOf(id))?.path ?? show(id)).join(', ') || 'no security group';
}

/** The network layers of one client subnet to one endpoint subnet. */
function endpointPair(model: AccessModel, client: ClientInfo, cKey: string, eKey: string, endpoint: EndpointInfo, sgs: Str[]): LayerResults {
  const results: LayerResults = new Map();
  const c = model.subnets.get(cKey);
  const e = model.subnets.get(eKey);
  const cCidrs = c?.cidr ? [c.cidr] : undefined;
  const eCidrs = e?.cidr ? [e.cidr] : undefined;
  const out = sgVerdict(groupsOf(model, sgs), true, DSQL_PORT, { cidrs: eCidrs, groups: endpoint.securityGroups });
  note(results, 'security-group', out, out === false
    ? `security-group: ${groupNames(model, sgs)} of ${client.path} allow no outbound TCP ${DSQL_PORT} to ${endpoint.path}`
    : `security-group: whether ${groupNames(model, sgs)} of ${client.path} allow outbound TCP ${DSQL_PORT} to ${endpoint.path} is not known at synth`);
  const inbound = sgVerdict(groupsOf(model, endpoint.securityGroups), false, DSQL_PORT, { cidrs: cCidrs, groups: sgs });
  note(results, 'security-group', inbound, inbound === false
    ? `security-group: ${groupNames(model, endpoint.securityGroups)} of ${endpoint.path} admit no TCP ${DSQL_PORT} from ${client.path}`
    : `security-group: whether ${groupNames(model, endpoint.securityGroups)} of ${endpoint.path} admit TCP ${DSQL_PORT} from ${client.path} is not known at synth`);
  if (cKey !== eKey) {
    const port = { from: DSQL_PORT, to: DSQL_PORT };
    aclHop(results, model, c, cKey, true, eCidrs, port, `the connection to ${endpoint.path}`);
    aclHop(results, model, e, eKey, false, cCidrs, port, `the connection from ${client.path}`);
    aclHop(results, model, e, eKey, true, cCidrs, EPHEMERAL, `the return traffic to ${client.path}`);
    aclHop(results, model, c, cKey, false, eCidrs, EPHEMERAL, `the return traffic from ${endpoint.path}`);
  }
  return results;
}

/** The network layers of one client subnet to the public endpoint. */
function internetFromSubnet(model: AccessModel, client: ClientInfo, cKey: string, sgs: Str[], publicIp = false): LayerResults {
  const results: LayerResults = new Map();
  const c = model.subnets.get(cKey);
  const label = subnetLabel(c, cKey);
  // A client with a public address in a subnet routed to an internet gateway goes out directly.
  const direct = publicIp && c?.igwRoute === true;
  const nat = direct ? false : c?.natRoute;
  if (!direct && nat !== true) {
    note(results, 'placement', nat, nat === false
      ? `placement: ${client.path} runs in ${label}, which has no default route through a NAT gateway${c?.igwRoute ? ' (a route to an internet gateway is not enough without a public address, which a Lambda function never has)' : ''}, so it cannot reach the public endpoint`
      : `placement: whether ${label} routes to the internet through a NAT gateway is not known at synth`);
  }
  const out = sgVerdict(groupsOf(model, sgs), true, DSQL_PORT, { cidrs: PUBLIC_V4, groups: [] });
  note(results, 'security-group', out, out === false
    ? `security-group: ${groupNames(model, sgs)} of ${client.path} allow no outbound TCP ${DSQL_PORT} to public addresses`
    : `security-group: whether ${groupNames(model, sgs)} of ${client.path} allow outbound TCP ${DSQL_PORT} to the public endpoint is not known at synth (it has no fixed address)`);
  const port = { from: DSQL_PORT, to: DSQL_PORT };
  const cCidrs = c?.cidr ? [c.cidr] : undefined;
  aclHop(results, model, c, cKey, true, PUBLIC_V4, port, 'the connection to the public endpoint');
  aclHop(results, model, c, cKey, false, PUBLIC_V4, EPHEMERAL, 'the return traffic from the public endpoint');
  if (nat === true && c?.natSubnetKey && c.natSubnetKey !== cKey) {
    const n = model.subnets.get(c.natSubnetKey);
    aclHop(results, model, n, c.natSubnetKey, false, cCidrs, port, `the connection of ${client.path} to its NAT gateway`);
    aclHop(results, model, n, c.natSubnetKey, true, PUBLIC_V4, port, 'the NAT gateway\'s connection to the public endpoint');
    aclHop(results, model, n, c.natSubnetKey, false, PUBLIC_V4, EPHEMERAL, 'the return traffic to the NAT gateway');
    aclHop(results, model, n, c.natSubnetKey, true, cCidrs, EPHEMERAL, `the return traffic from the NAT gateway to ${client.path}`);
  } else if (nat === true && !direct) {
    note(results, 'network-acl', undefined, `network-acl: the network ACL of the NAT gateway used by ${label} is not known`);
  }
  return results;
}

/**
 * Combine per-pair results: a layer passes when it passes for every pair, denies when it denies for every
 * pair; otherwise it is undecided (part of the pairs work: the client may or may not get through).
 */
function combinePairs(pairs: LayerResults[]): LayerResults {
  const out: LayerResults = new Map();
  if (pairs.length === 0) return out;
  const pairVerdict = (p: LayerResults): Tri => Tri.and(...[...p.values()].map((x) => x.verdict));
  const verdicts = pairs.map(pairVerdict);
  if (verdicts.every((v) => v === true)) return out;
  if (verdicts.every((v) => v === false)) {
    // Denied on every pair: the layers that deny on every pair, or all of them when no single one does.
    for (const layer of LAYERS) {
      const all = pairs.every((p) => p.get(layer)?.verdict === false);
      if (all) note(out, layer, false, pairs[0].get(layer)!.reasons[0]);
    }
    if (out.size === 0) {
      for (const p of pairs) for (const [layer, r] of p) if (r.verdict === false) note(out, layer, false, r.reasons[0]);
    }
    return out;
  }
  for (const p of pairs) {
    for (const [layer, r] of p) {
      if (r.verdict !== true) note(out, layer, undefined, r.reasons[0]);
    }
  }
  return out;
}

function networkLayers(model: AccessModel, client: ClientInfo, endpoint: EndpointInfo | undefined): LayerResults {
  const placement = client.placement;
  const results: LayerResults = new Map();
  if (placement.kind === 'unknown') {
    note(results, 'placement', undefined, `placement: where ${client.path} runs is not known (${placement.reason})`);
    return results;
  }
  if (placement.kind === 'outside-vpc') {
    if (endpoint) note(results, 'placement', false, `placement: ${client.path} runs outside any VPC, so it cannot use ${endpoint.path}`);
    return results;
  }
  if (placement.subnets.length === 0) {
    note(results, 'placement', undefined, `placement: the subnets of ${client.path} are not known`);
    return results;
  }
  if (!endpoint) {
    return combinePairs(placement.subnets.map((s) => internetFromSubnet(model, client, s, placement.securityGroups, placement.publicIp)));
  }
  const sameVpc = placement.vpc ? strEquals(placement.vpc, endpoint.vpc) : undefined;
  if (sameVpc !== true) {
    const connected = placement.vpc && (model.connectedVpcs.has(keyOf(placement.vpc)) || model.connectedVpcs.has(keyOf(endpoint.vpc)));
    const verdict: Tri = sameVpc === false && !connected ? false : undefined;
    note(results, 'placement', verdict, verdict === false
      ? `placement: ${client.path} runs in another VPC than ${endpoint.path}, and no peering or transit gateway in the app connects them`
      : `placement: whether ${client.path} can reach ${endpoint.path} from its VPC is not known at synth`);
    return results;
  }
  const pairs: LayerResults[] = [];
  for (const c of placement.subnets) {
    for (const e of endpoint.subnets) pairs.push(endpointPair(model, client, c, e, endpoint, placement.securityGroups));
  }
  return combinePairs(pairs);
}

function clientCidrs(model: AccessModel, client: ClientInfo): string[] | undefined {
  if (client.placement.kind !== 'vpc') return undefined;
  const cidrs: string[] = [];
  for (const s of client.placement.subnets) {
    const c = model.subnets.get(s)?.cidr;
    if (!c) return undefined;
    cidrs.push(c);
  }
  return cidrs.length ? cidrs : undefined;
}

/** The verdict of one client over one route. */
export function evaluateRoute(model: AccessModel, client: ClientInfo, cluster: ClusterInfo, endpoint: EndpointInfo | undefined): RouteVerdict {
  const network = networkLayers(model, client, endpoint);
  const cidrs = clientCidrs(model, client);
  const denied = new Set<Layer>();
  const unknown = new Set<Layer>();
  const reasons: string[] = [];
  let allAllowed = true;
  for (const action of client.actions) {
    const layers = iamLayers(client, cluster, endpoint, action, cidrs);
    for (const [layer, r] of network) layers.set(layer, r);
    for (const layer of LAYERS) {
      const r = layers.get(layer);
      if (!r || r.verdict === true) continue;
      allAllowed = false;
      if (r.verdict === false) denied.add(layer);
      else unknown.add(layer);
      for (const reason of r.reasons) if (!reasons.includes(reason)) reasons.push(reason);
    }
  }
  const deniedBy = LAYERS.filter((l) => denied.has(l));
  return {
    via: endpoint ? endpoint.path : 'internet',
    allowed: allAllowed && client.actions.length > 0,
    deniedBy,
    unknown: !allAllowed && deniedBy.length === 0,
    unknownLayers: LAYERS.filter((l) => unknown.has(l) && !denied.has(l)),
    reasons,
  };
}

/** Every cluster, its clients, and their verdicts over every route. */
export function evaluateModel(model: AccessModel): ClusterVerdict[] {
  const group = <T>(items: Iterable<[string, T]>) => {
    const out = new Map<string, T[]>();
    for (const [k, v] of items) {
      const list = out.get(k) ?? [];
      list.push(v);
      out.set(k, list);
    }
    return out;
  };
  const endpointsOf = group(model.endpoints.flatMap((e) => e.clusters.map((c): [string, EndpointInfo] => [c, e])));
  const clientsOf = group(model.clients.map((c): [string, ClientInfo] => [c.cluster, c]));
  return model.clusters.map((cluster) => {
    const endpoints = endpointsOf.get(cluster.key) ?? [];
    const clients = (clientsOf.get(cluster.key) ?? []).map((client): ClientVerdict => ({
      client,
      routes: [
        ...[undefined, ...endpoints].map((e) => evaluateRoute(model, client, cluster, e)),
        ...(client.unmodeledEndpoints ?? []).map((via): RouteVerdict => ({
          via,
          allowed: false,
          deniedBy: [],
          unknown: true,
          unknownLayers: ['placement'],
          reasons: [`placement: ${via} is not an interface endpoint of this app, so the model cannot evaluate the route through it`],
        })),
      ],
    }));
    return { cluster, clients };
  });
}
