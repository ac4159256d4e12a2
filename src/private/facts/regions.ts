/**
 * The Region sets within which Aurora DSQL builds multi-Region clusters: both peered clusters and the
 * witness must be Regions of one set ("Aurora DSQL currently doesn't support cross-continent multi-Region
 * clusters").
 *
 * Sources:
 * - Aurora DSQL User Guide, "Region availability for Aurora DSQL", section "Multi-Region cluster availability
 *   for Aurora DSQL" (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html#region-availability):
 *   US (us-east-1, us-east-2, us-west-2), Asia Pacific (ap-northeast-3, ap-northeast-2, ap-northeast-1),
 *   Europe (eu-central-1, eu-west-1, eu-west-2, eu-west-3);
 * - Aurora DSQL release notes, July 31, 2026: multi-Region clusters in Europe (Stockholm), Europe (Spain),
 *   Asia Pacific (Mumbai) and Asia Pacific (Singapore);
 * - AWS Backup Developer Guide, "Amazon Aurora DSQL restore", "Restore an Aurora DSQL multi-Region cluster":
 *   the continent groups Americas (the three US Regions, Canada West (Calgary), Canada (Central)), Europe (the
 *   six above) and Asia-Pacific (the five above).
 *
 * When AWS documents more Regions, add them here (and to the test that pins this list).
 */

/** A documented Region set. */
export interface MultiRegionSet {
  readonly name: string;
  readonly regions: readonly string[];
}

export const MULTI_REGION_SETS: readonly MultiRegionSet[] = [
  { name: 'Americas', regions: ['us-east-1', 'us-east-2', 'us-west-2', 'ca-central-1', 'ca-west-1'] },
  { name: 'Europe', regions: ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'eu-south-2'] },
  { name: 'Asia Pacific', regions: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1'] },
];

/** The set a Region belongs to, if any. */
export function multiRegionSetOf(region: string): MultiRegionSet | undefined {
  return MULTI_REGION_SETS.find((set) => set.regions.includes(region));
}

/**
 * Why three Regions cannot form a multi-Region cluster, or undefined when they can: all known, all different,
 * all in one documented set.
 */
export function regionTripletProblem(first: string, second: string, witness: string): string | undefined {
  if (first === second) return `both clusters are in ${first}; a multi-Region pair needs two Regions`;
  if (witness === first || witness === second) return `is the Region of a peered cluster (${witness}); the witness must be a third Region`;
  for (const region of [first, second, witness]) {
    if (!multiRegionSetOf(region)) {
      return `names ${region}, which is in no documented Region set for multi-Region clusters (${describeSets()})`;
    }
  }
  const set = multiRegionSetOf(first)!;
  if (!set.regions.includes(second) || !set.regions.includes(witness)) {
    return `spans Region sets (${first} is in ${set.name}; ${second} in ${multiRegionSetOf(second)!.name}; `
      + `${witness} in ${multiRegionSetOf(witness)!.name}): the two clusters and the witness must be in one set`;
  }
  return undefined;
}

export function describeSets(): string {
  return MULTI_REGION_SETS.map((set) => `${set.name}: ${set.regions.join(', ')}`).join('; ');
}
