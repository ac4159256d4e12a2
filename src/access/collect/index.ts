/**
 * The collector of the access model: one pass over the construct tree of a Stage at synth (after aspects
 * and cross-stack references, before the templates are written), reading what the app will deploy:
 * clusters, interface endpoints, IAM roles/users/groups and their policies, security groups and their
 * rules, subnets, network ACLs, routes, Lambda functions and ECS services, L1 resources included, property
 * overrides applied. The library's constructs add what the templates do not say (who is a declared
 * client, which function is the database-role handler) through the registry (`../registry`).
 *
 * A short orchestrator over readers, one per kind: `./policies`, `./identities`, `./network`,
 * `./placements`, `./clusters`, `./audits`, `./endpoints`, `./clients` (`./reader` reads values; `./scope` is what they
 * share).
 */
import { Stack, Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { readAudits } from './audits';
import { readClients } from './clients';
import { readClusters } from './clusters';
import { readEndpoints } from './endpoints';
import { readIdentities } from './identities';
import { readNetworks } from './network';
import { readPlacements } from './placements';
import { policyReader } from './policies';
import { Reader } from './reader';
import type { Base } from './scope';
import type { Collected } from './types';
import type { AccessRegistry } from '../declarations';
import type { AccessModel } from '../model';

export type { Collected, CollectedCluster, CollectedEndpoint, CollectedPolicy } from './types';

/** Collect the model of `root` (a Stage) and its raw material for the checks. */
export function collect(root: Stage, registry: AccessRegistry): Collected {
  const r = new Reader(root);
  // The construct a resource stands for: its L2 (the L1's scope), or the L1 itself when it is defined
  // straight in a stack (a raw `new CfnCluster(stack, 'Db')` is listed as S/Db, not as S).
  const ownerOf = (c: IConstruct): IConstruct => (c.node.scope && !Stack.isStack(c.node.scope) ? c.node.scope : c);
  const base: Base = { r, registry, constructs: new Map(), ownerOf, parentPath: (c) => r.path(ownerOf(c)), parsePolicy: policyReader(r) };

  const identities = readIdentities(base);
  const networks = readNetworks(base);
  const placements = readPlacements({ ...base, ...networks });
  const clusters = readClusters(base);
  readAudits(base, clusters.clusters);
  const endpoints = readEndpoints({ ...base, ...networks, ...clusters });
  const clients = readClients({ ...base, ...identities, ...placements, ...clusters, ...endpoints });

  const model: AccessModel = {
    clusters: clusters.clusters.map((c) => c.info),
    endpoints: endpoints.endpointInfos,
    clients,
    subnets: networks.subnets,
    acls: networks.acls,
    securityGroups: networks.securityGroups,
    connectedVpcs: networks.connectedVpcs,
  };
  return {
    model,
    clusters: clusters.clusters,
    endpoints: endpoints.endpoints,
    identityPolicies: identities.identityPolicies,
    aclAssociations: networks.aclAssociations,
    securityGroupRules: networks.sgRules,
    constructs: base.constructs,
    constructCount: r.constructCount,
  };
}
