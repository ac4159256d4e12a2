/**
 * The AWS Regions in which Aurora DSQL peers multi-Region clusters. A pair of peered clusters and its
 * witness Region must all come from ONE of these sets.
 *
 * Sources (checked when this list was written; update it here when AWS adds a set):
 * - AWS Backup Developer Guide, "Amazon Aurora DSQL backups" (multi-Region restore needs the "same Regional
 *   triplet"), which lists the supported groupings: US East (N. Virginia), US East (Ohio) and a US West
 *   Region; Europe (Ireland), Europe (London), Europe (Paris), Europe (Frankfurt); Asia Pacific (Tokyo),
 *   Asia Pacific (Seoul), Asia Pacific (Osaka). "Where there are more than three Regions, choose three in
 *   the same grouping."
 * - Aurora DSQL User Guide, "Configuring multi-Region clusters" / "Using AWS CLI": the pair in US East
 *   (N. Virginia) and US East (Ohio) with US West (Oregon) as the witness. The US West Region of the US set
 *   is therefore us-west-2 (Oregon); US West (N. California), named by the backup guide, is not a Region
 *   where Aurora DSQL runs (AWS Config lists the rule dsql-cluster-multi-region-replication-enabled in
 *   US West (Oregon) and not in N. California).
 */
export const MULTI_REGION_SETS: ReadonlyArray<{ readonly name: string; readonly regions: readonly string[] }> = [
  { name: 'US', regions: ['us-east-1', 'us-east-2', 'us-west-2'] },
  { name: 'Europe', regions: ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1'] },
  { name: 'Asia Pacific', regions: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'] },
];

/** The multi-Region set a Region belongs to, if any. */
export function multiRegionSetOf(region: string): { readonly name: string; readonly regions: readonly string[] } | undefined {
  return MULTI_REGION_SETS.find((set) => set.regions.includes(region));
}

/** The sets, for messages: `US (us-east-1, us-east-2, us-west-2); Europe (…); …`. */
export function describeMultiRegionSets(): string {
  return MULTI_REGION_SETS.map((set) => `${set.name} (${set.regions.join(', ')})`).join('; ');
}
