/**
 * Condition keys: which ones an Aurora DSQL connection request (`dsql:DbConnect`, `dsql:DbConnectAdmin`) carries,
 * the network and principal keys, and the keys DSQL block public access trusts. CDK-free.
 *
 * Sources:
 * - Service Authorization Reference, "Actions, resources, and condition keys for Amazon Aurora DSQL"
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonauroradsql.html): DbConnect
 *   and DbConnectAdmin list no condition key of their own; the cluster resource type has `aws:ResourceTag/${TagKey}`;
 *   `aws:RequestTag`, `aws:TagKeys` and `dsql:WitnessRegion` belong to CreateCluster, TagResource, UpdateCluster…;
 *   `dsql:FisActionId` and `dsql:FisTargetArns` to InjectError.
 * - Aurora DSQL user guide, "Resource-based policies" and "Common resource-based policy examples"
 *   (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/rbp-examples.html): connections are restricted by
 *   `aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:VpcSourceIp`, `aws:PrincipalArn`, `aws:PrincipalOrgID`,
 *   `aws:PrincipalOrgPaths`.
 * - IAM user guide, "AWS global condition context keys"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html): availability of each
 *   global key (principal and session keys come with the credentials; `aws:SourceArn`/`aws:SourceAccount` only on
 *   requests of a service principal; `aws:CalledVia` only when a service calls on the principal's behalf; `aws:Referer`
 *   and `aws:UserAgent` come from an HTTP request).
 */

/** A key that the connection carries, or one it never carries (with why), or one AWS does not document for it. */
export type KeyAvailability =
  | { readonly carried: true }
  | { readonly carried: false; readonly why: string };

/** Keys of the principal, its session and the request that every connection request carries (lower case). */
const CARRIED = new Set([
  // network path (Aurora DSQL user guide)
  'aws:sourceip', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:vpcsourceip',
  // principal
  'aws:principalarn', 'aws:principalaccount', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:principaltype',
  'aws:principalisawsservice', 'aws:userid', 'aws:username',
  // session (come with the credentials that signed the token)
  'aws:multifactorauthpresent', 'aws:multifactorauthage', 'aws:tokenissuetime', 'aws:federatedprovider',
  'aws:sourceidentity', 'aws:ec2instancesourcevpc', 'aws:ec2instancesourceprivateipv4', 'aws:assumedroot',
  'aws:chatbotsourcearn', 'ec2:roledelivery', 'ec2:sourceinstancearn', 'glue:roleassumedby',
  'glue:credentialissuingservice', 'lambda:sourcefunctionarn', 'ssm:sourceinstancearn', 'identitystore:userid',
  // request and resource
  'aws:currenttime', 'aws:epochtime', 'aws:requestedregion', 'aws:securetransport', 'aws:viaawsservice',
  'aws:resourceaccount', 'aws:resourceorgid', 'aws:resourceorgpaths',
]);
const CARRIED_PREFIXES = ['aws:principaltag/', 'aws:resourcetag/'];

const NEVER: Record<string, string> = {
  'aws:referer': 'taken from an HTTP request; a connection is a PostgreSQL session',
  'aws:useragent': 'taken from an HTTP request; a connection is a PostgreSQL session',
  'aws:tagkeys': 'set only on tagging and create requests',
  'aws:calledvia': 'set only when a service calls another on the principal\'s behalf',
  'aws:calledviafirst': 'set only when a service calls another on the principal\'s behalf',
  'aws:calledvialast': 'set only when a service calls another on the principal\'s behalf',
  'aws:sourcearn': 'set only on requests of an AWS service principal',
  'aws:sourceaccount': 'set only on requests of an AWS service principal',
  'aws:sourceowner': 'set only on requests of an AWS service principal',
  'aws:sourceorgid': 'set only on requests of an AWS service principal',
  'aws:sourceorgpaths': 'set only on requests of an AWS service principal',
  'aws:principalservicename': 'set only on requests of an AWS service principal; connections are made by roles and users',
  'aws:principalservicenameslist': 'set only on requests of an AWS service principal; connections are made by roles and users',
};

/** Whether an Aurora DSQL connection request carries a condition key. */
export function connectionKeyAvailability(key: string): KeyAvailability {
  const k = key.toLowerCase();
  if (CARRIED.has(k) || CARRIED_PREFIXES.some((p) => k.startsWith(p))) return { carried: true };
  if (NEVER[k]) return { carried: false, why: NEVER[k] };
  if (k.startsWith('aws:requesttag/')) return { carried: false, why: 'set only on tagging and create requests' };
  if (k.startsWith('dsql:')) return { carried: false, why: 'a key of other Aurora DSQL actions; DbConnect and DbConnectAdmin have none' };
  if (!k.startsWith('aws:')) return { carried: false, why: `a key of the ${k.split(':')[0]} service, set only on its own requests` };
  return { carried: false, why: 'not a key AWS documents for Aurora DSQL connections' };
}

/**
 * The network keys of a connection (lower case): `aws:SourceIp` on the public endpoint only, the three others only
 * through an interface endpoint (Aurora DSQL user guide, "Resource-based policies").
 */
export const NETWORK_KEYS: readonly string[] = ['aws:sourceip', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:vpcsourceip'];
/** The keys that name who connects (lower case); `aws:PrincipalTag/…` keys too (isRestrictingKey). */
export const PRINCIPAL_KEYS: readonly string[] = ['aws:principalarn', 'aws:principalaccount', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:userid'];

export function isRestrictingKey(key: string): boolean {
  const k = key.toLowerCase();
  return NETWORK_KEYS.includes(k) || PRINCIPAL_KEYS.includes(k) || k.startsWith('aws:principaltag/');
}

/**
 * The trusted keys of Aurora DSQL block public access (lower case): an `Allow` to `*` is not public when one of
 * them restricts it with a literal value without wildcards or variables, and `aws:PrincipalIsAWSService` only
 * with the value `true` (Aurora DSQL user guide, "Blocking public access with resource-based policies",
 * https://docs.aws.amazon.com/aurora-dsql/latest/userguide/rbp-block-public-access.html). `aws:SourceIp` is not
 * one of them. The operator and value test is `bpaRestricts` (src/private/policy).
 */
export const BPA_TRUSTED_KEYS: readonly string[] = [
  'aws:principalaccount', 'aws:principalarn', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:sourceaccount',
  'aws:sourcearn', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:userid', 'aws:principalservicename',
  'aws:principalservicenameslist', 'aws:principalisawsservice', 'aws:ec2instancesourcevpc', 'aws:sourceorgid',
  'aws:sourceorgpaths',
];
