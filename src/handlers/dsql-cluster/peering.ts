/**
 * The handlers of Custom::DsqlMultiRegionPeering (Provider framework onEvent and isComplete).
 *
 * Both clusters were created by CloudFormation with the same witness Region and no peer. onEvent peers
 * them the way the Aurora DSQL User Guide does it ("Configuring multi-Region clusters", steps 3 and 4):
 * `UpdateCluster` on the first with `{ witnessRegion, clusters: [second] }`, then on the second with the
 * first; isComplete waits until both are ACTIVE and each names the other.
 *
 * It acts only on the two clusters its properties name (their Regions and account fixed at synth), it skips
 * a cluster that already names its peer (so a repeated event changes nothing), and it never unpeers: a
 * cluster peered with a third cluster is an error, and Delete does nothing. Its role has no
 * dsql:RemovePeerCluster, so it could not unpeer either.
 */
import { InvalidPropertiesError, PeerCluster, PeeringRequest, parsePeeringProperties, peeringPhysicalId } from './properties';

/** What the handler reads of a cluster (GetCluster output). */
export interface ClusterState {
  readonly arn?: string;
  readonly status?: string;
  readonly multiRegionProperties?: { readonly witnessRegion?: string; readonly clusters?: string[] };
}

/** The two Aurora DSQL calls the handlers make (injectable for tests). */
export interface PeeringApi {
  getCluster(region: string, identifier: string): Promise<ClusterState>;
  updateCluster(region: string, identifier: string, multiRegionProperties: { witnessRegion: string; clusters: string[] }): Promise<void>;
}

export interface PeeringEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
}

export interface PeeringResponse {
  readonly PhysicalResourceId: string;
}

/** Thrown when the clusters are in a state the handler must not change. */
export class PeeringRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeeringRefusedError';
  }
}

const BROKEN = ['FAILED', 'DELETING', 'DELETED', 'PENDING_DELETE', 'INACTIVE'];

/** The peers a cluster names (its own ARN is listed too once peered). */
function peersOf(cluster: PeerCluster, state: ClusterState): string[] {
  return (state.multiRegionProperties?.clusters ?? []).filter((arn) => arn !== cluster.arn);
}

async function read(api: PeeringApi, cluster: PeerCluster, request: PeeringRequest): Promise<ClusterState> {
  const state = await api.getCluster(cluster.region, cluster.identifier);
  if (state.arn !== undefined && state.arn !== cluster.arn) {
    throw new InvalidPropertiesError(`GetCluster ${cluster.identifier} in ${cluster.region} returned ${state.arn}, not ${cluster.arn}`);
  }
  const witness = state.multiRegionProperties?.witnessRegion;
  if (witness !== request.witnessRegion) {
    throw new PeeringRefusedError(`${cluster.arn} has witness Region ${JSON.stringify(witness ?? null)}, not ${request.witnessRegion}: `
      + 'both clusters must be created with the same witness Region');
  }
  if (state.status && BROKEN.includes(state.status)) {
    throw new PeeringRefusedError(`${cluster.arn} is ${state.status}`);
  }
  return state;
}

export async function onPeeringEvent(event: PeeringEvent, api: PeeringApi, log: (line: string) => void = () => undefined): Promise<PeeringResponse> {
  if (event.RequestType === 'Delete') {
    log(`delete ${event.PhysicalResourceId}: the clusters stay peered (this resource never unpeers)`);
    return { PhysicalResourceId: event.PhysicalResourceId ?? 'none' };
  }
  const request = parsePeeringProperties(event.ResourceProperties);
  const [first, second] = request.clusters;
  // Read both first: refuse before changing anything.
  const states = [await read(api, first, request), await read(api, second, request)];
  const plan: Array<{ cluster: PeerCluster; peer: PeerCluster }> = [];
  for (const [i, [cluster, peer]] of ([[first, second], [second, first]] as const).entries()) {
    const peers = peersOf(cluster, states[i]);
    if (peers.includes(peer.arn)) {
      log(`${cluster.arn} already names ${peer.arn}: nothing to do`);
      continue;
    }
    if (peers.length > 0) {
      throw new PeeringRefusedError(`${cluster.arn} is peered with ${peers.join(', ')}, not ${peer.arn}; this resource never unpeers a cluster. `
        + 'Remove that peering yourself, or pair the clusters it names.');
    }
    plan.push({ cluster, peer });
  }
  for (const { cluster, peer } of plan) {
    log(`UpdateCluster ${cluster.arn}: witness ${request.witnessRegion}, peer ${peer.arn}`);
    await api.updateCluster(cluster.region, cluster.identifier, { witnessRegion: request.witnessRegion, clusters: [peer.arn] });
  }
  return { PhysicalResourceId: peeringPhysicalId(request) };
}

export async function isPeeringComplete(event: PeeringEvent, api: PeeringApi): Promise<{ IsComplete: boolean }> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const request = parsePeeringProperties(event.ResourceProperties);
  const [first, second] = request.clusters;
  const a = await read(api, first, request);
  const b = await read(api, second, request);
  const peered = peersOf(first, a).includes(second.arn) && peersOf(second, b).includes(first.arn);
  return { IsComplete: peered && a.status === 'ACTIVE' && b.status === 'ACTIVE' };
}
