/**
 * Interface endpoints of Aurora DSQL: connection endpoints (which clusters they serve, policy, subnets,
 * security groups) and management endpoints.
 */
import { IConstruct } from 'constructs';
import { jsonWithIntrinsics } from './reader';
import type { Base, Networks, Clusters, Endpoints } from './scope';
import { CollectedCluster, CollectedEndpoint } from './types';
import { MANAGEMENT_SERVICE_NAME, SERVICE_NAME } from '../../private/facts/patterns';
import { hole, keyOf, literal } from '../../private/policy/values';
import { EndpointInfo } from '../model';

export function readEndpoints(input: Base & Networks & Clusters): Endpoints {
  const { r, registry, parsePolicy, parentPath, ownerOf, constructs, clusters, subnetKey } = input;
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

  return { endpoints, endpointInfos };
}
