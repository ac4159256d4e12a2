import { Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { IDsqlCluster } from '../cluster-ref';

/**
 * The peers of multi-Region pairs and the clusters a private-path guardrail guards, per Stage, so that a
 * guardrail can tell whether the peer of a cluster it guards (which holds the same data) is guarded too.
 * Registration only; nothing here walks the tree.
 */
interface PairRegistry {
  readonly peers: Map<IDsqlCluster, IDsqlCluster>;
  readonly guarded: Set<IDsqlCluster>;
}

const REGISTRIES = new WeakMap<IConstruct, PairRegistry>();

function registryOf(scope: IConstruct): PairRegistry | undefined {
  const stage = Stage.of(scope);
  if (!stage) return undefined;
  let registry = REGISTRIES.get(stage);
  if (!registry) {
    registry = { peers: new Map(), guarded: new Set() };
    REGISTRIES.set(stage, registry);
  }
  return registry;
}

/** Two clusters peered by a DsqlMultiRegionPair. */
export function registerPeers(first: IDsqlCluster, second: IDsqlCluster): void {
  const registry = registryOf(first);
  registry?.peers.set(first, second);
  registry?.peers.set(second, first);
}

/** Clusters a DsqlPrivatePathGuardrail guards. */
export function registerGuarded(clusters: readonly IDsqlCluster[]): void {
  for (const c of clusters) registryOf(c)?.guarded.add(c);
}

/** The peers of `clusters` that no guardrail of the app guards, with the cluster each is the peer of. */
export function unguardedPeers(clusters: readonly IDsqlCluster[]): Array<{ cluster: IDsqlCluster; peer: IDsqlCluster }> {
  const found: Array<{ cluster: IDsqlCluster; peer: IDsqlCluster }> = [];
  for (const cluster of clusters) {
    const registry = registryOf(cluster);
    const peer = registry?.peers.get(cluster);
    if (peer && !registry!.guarded.has(peer)) found.push({ cluster, peer });
  }
  return found;
}
