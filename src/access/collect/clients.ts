/**
 * Clients: what the library's constructs declare (grants, connect policies, database roles and their
 * handler) and every role or user whose own policies can allow a connect action on a cluster of the app.
 */
import { CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { Base, Identities, Placements, Clusters, Endpoints } from './scope';
import { CollectedCluster, Entity } from './types';
import type { IDsqlCluster } from '../../cluster-ref';
import { CONNECT_ACTIONS, DB_CONNECT, DB_CONNECT_ADMIN, isConnectAction } from '../../private/facts/actions';
import { Policy, PrincipalRef } from '../../private/policy/evaluate';
import { Str, concat, globMatch, hole, keyOf, lit, literal } from '../../private/policy/values';
import { ClientInfo, ClientKind, Placement } from '../model';

export function readClients(input: Base & Identities & Placements & Clusters & Endpoints): ClientInfo[] {
  const {
    r, registry, parentPath, ownerOf, constructs, entities, entityByName, attachedByName, userGroups, ownPolicies, mayConnectPolicies,
    functionsByRole, placementOf, samePlacement, clusters, clusterByArn, endpoints,
  } = input;
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

  return [...clients.values()];
}
