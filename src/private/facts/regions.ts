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

/** A Region of a multi-Region cluster, and what it is (`the witness`, `the peer`…), for messages. */
export interface RegionMember {
  readonly region: string;
  readonly what: string;
}

/**
 * The one Region-set predicate: why these known Regions of one multi-Region cluster (clusters and witness, in
 * any number) cannot be together, with the member to blame, or undefined when they can: each in a documented
 * set, all in the same one. The first member is the anchor a mismatch is measured against.
 */
export function regionSetProblem(members: readonly RegionMember[]): { member: RegionMember; problem: string } | undefined {
  for (const member of members) {
    if (!multiRegionSetOf(member.region)) {
      return { member, problem: `names ${member.region} (${member.what}), which is in no documented Region set for multi-Region clusters (${describeSets()})` };
    }
  }
  const anchor = multiRegionSetOf(members[0].region);
  const other = members.find((m) => multiRegionSetOf(m.region) !== anchor);
  if (!other) return undefined;
  return {
    member: other,
    problem: `spans Region sets (${members.map((m) => `${m.region} (${m.what}) in ${multiRegionSetOf(m.region)!.name}`).join('; ')}): `
      + 'the clusters and the witness must all be in one set',
  };
}

/**
 * Why three Regions cannot form a multi-Region cluster, or undefined when they can: all known, all different,
 * all in one documented set.
 */
export function regionTripletProblem(first: string, second: string, witness: string): string | undefined {
  if (first === second) return `both clusters are in ${first}; a multi-Region pair needs two Regions`;
  if (witness === first || witness === second) return `is the Region of a peered cluster (${witness}); the witness must be a third Region`;
  return regionSetProblem([
    { region: first, what: 'first cluster' }, { region: second, what: 'second cluster' }, { region: witness, what: 'witness' },
  ])?.problem;
}

export function describeSets(): string {
  return MULTI_REGION_SETS.map((set) => `${set.name}: ${set.regions.join(', ')}`).join('; ');
}

/** The partition of a Region by its name's prefix (`aws` for every commercial Region). */
export const PARTITIONS: ReadonlyArray<[RegExp, string]> = [
  [/^cn-/, 'aws-cn'], [/^us-gov-/, 'aws-us-gov'], [/^us-iso-/, 'aws-iso'], [/^us-isob-/, 'aws-iso-b'], [/^eu-isoe-/, 'aws-iso-e'],
  [/^us-isof-/, 'aws-iso-f'],
];

/** The partition of `region`. */
export function partitionOf(region: string): string {
  return PARTITIONS.find(([re]) => re.test(region))?.[1] ?? 'aws';
}
