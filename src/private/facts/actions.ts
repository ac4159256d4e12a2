/**
 * The actions of Aurora DSQL by kind: one list each, with the reason an action is left out of a list next to it.
 * CDK-free: the constructs, both analysers and the tests read them.
 *
 * Source: Service Authorization Reference, "Actions, resources, and condition keys for Amazon Aurora DSQL"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonauroradsql.html), access levels
 * Read, List, Write and Tagging.
 */

/** Connect as a custom database role. */
export const DB_CONNECT = 'dsql:DbConnect';
/** Connect as the `admin` database role. */
export const DB_CONNECT_ADMIN = 'dsql:DbConnectAdmin';

/**
 * The connect actions: a token for the connection endpoint (PostgreSQL on 5432), never a call of the management
 * API, so they are in no management list below.
 */
export const CONNECT_ACTIONS: readonly string[] = [DB_CONNECT, DB_CONNECT_ADMIN];

/** Management actions at access level Read and List: they change nothing. */
export const MANAGEMENT_READ_ACTIONS: readonly string[] = [
  'GetCluster', 'GetClusterPolicy', 'GetVpcEndpointServiceName', 'ListClusters', 'ListTagsForResource',
  'GetStream', 'ListStreams', 'GetBackupJob', 'GetRestoreJob',
].map((a) => `dsql:${a}`);

/** Writes to the cluster itself, tagging included. `InjectError` (fault injection) is a write too: it disturbs the cluster. */
export const CLUSTER_WRITE_ACTIONS: readonly string[] = [
  'CreateCluster', 'DeleteCluster', 'UpdateCluster', 'TagResource', 'UntagResource', 'InjectError',
].map((a) => `dsql:${a}`);

/** Writes to the cluster's resource-based policy. `GetClusterPolicy` is a read (MANAGEMENT_READ_ACTIONS). */
export const CLUSTER_POLICY_WRITE_ACTIONS: readonly string[] = ['dsql:PutClusterPolicy', 'dsql:DeleteClusterPolicy'];

/**
 * Writes that peer clusters of a multi-Region pair. `UpdateCluster`, which the peering calls too, is a cluster
 * write (CLUSTER_WRITE_ACTIONS): it also changes single-Region settings.
 */
export const PEERING_WRITE_ACTIONS: readonly string[] = [
  'PutMultiRegionProperties', 'AddPeerCluster', 'PutWitnessRegion', 'RemovePeerCluster',
].map((a) => `dsql:${a}`);

/**
 * What the multi-Region peering handler may do on each cluster of a pair without a condition (Aurora DSQL API
 * reference, UpdateCluster's required permissions): read the cluster, and update its multi-Region properties
 * (`UpdateCluster` with `multiRegionProperties`, authorized also as `PutMultiRegionProperties` and
 * `AddPeerCluster`). `PutWitnessRegion` is granted on its own, for the pair's witness Region only
 * (`dsql:WitnessRegion`); `RemovePeerCluster` is left out: the handler never unpeers.
 */
export const PEERING_HANDLER_ACTIONS: readonly string[] = ['GetCluster', 'UpdateCluster', 'PutMultiRegionProperties', 'AddPeerCluster'].map((a) => `dsql:${a}`);

/**
 * Writes to change data capture streams. `GetStream` and `ListStreams` are reads. There is no `UpdateStream`:
 * the Service Authorization Reference for Aurora DSQL (checked December 2026) lists `CreateStream` and
 * `DeleteStream` as the stream writes, and the API has no operation that changes a stream.
 */
export const STREAM_WRITE_ACTIONS: readonly string[] = ['CreateStream', 'DeleteStream'].map((a) => `dsql:${a}`);

/** Backup and restore jobs started or stopped through DSQL. `GetBackupJob` and `GetRestoreJob` are reads. */
export const BACKUP_WRITE_ACTIONS: readonly string[] = [
  'StartBackupJob', 'StopBackupJob', 'StartRestoreJob', 'StopRestoreJob',
].map((a) => `dsql:${a}`);

/** Every management action at access level Write (Tagging included); the connect actions are not management actions. */
export const MANAGEMENT_WRITE_ACTIONS: readonly string[] = [
  ...CLUSTER_WRITE_ACTIONS, ...CLUSTER_POLICY_WRITE_ACTIONS, ...PEERING_WRITE_ACTIONS, ...STREAM_WRITE_ACTIONS, ...BACKUP_WRITE_ACTIONS,
];

/** What a wildcard in a management endpoint policy must not reach: every write, and the connect actions. */
export const WRITE_OR_CONNECT_ACTIONS: readonly string[] = [...MANAGEMENT_WRITE_ACTIONS, ...CONNECT_ACTIONS];

/** Whether an action name (no wildcard) is a connect action (case-insensitive, as IAM compares action names). */
export function isConnectAction(action: string): boolean {
  const a = action.toLowerCase();
  return CONNECT_ACTIONS.some((c) => c.toLowerCase() === a);
}

/** Whether an action name (no wildcard) is a known management read. */
export function isManagementReadAction(action: string): boolean {
  const a = action.toLowerCase();
  return MANAGEMENT_READ_ACTIONS.some((c) => c.toLowerCase() === a);
}
