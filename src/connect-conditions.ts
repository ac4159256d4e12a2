/**
 * Who may connect to an Aurora DSQL cluster, and from where.
 *
 * One value object, rendered by one module into Deny statements for all three policy kinds: the cluster's
 * resource-based policy (binds everyone), an identity policy (binds only the identities it is attached
 * to) and a VPC endpoint policy (binds everyone who uses that endpoint).
 *
 * Network origins combine with OR: a request is allowed through when it comes from an allowed public IP
 * *or* through a VPC endpoint in an allowed VPC *or* through an allowed endpoint. Everything else is
 * denied, including origins of a kind you did not list: with only `sourceIps`, a connection through a VPC
 * endpoint is denied too. The principal list combines with AND: the caller must also be a listed principal.
 *
 * An empty list is an error, never "allow nobody" or "allow all".
 */
export interface DsqlConnectConditions {
  /**
   * Public IPv4/IPv6 CIDR blocks allowed to reach the public endpoint (`aws:SourceIp`).
   *
   * `aws:SourceIp` is present only on requests that do not arrive through a VPC endpoint.
   * `0.0.0.0/0` and `::/0` are refused: they are no restriction.
   *
   * @default - no source-IP allow-list
   */
  readonly sourceIps?: string[];

  /**
   * VPCs whose VPC endpoints may be used to connect (`aws:SourceVpc`), e.g. `vpc.vpcId`.
   *
   * @default - no source-VPC allow-list
   */
  readonly sourceVpcIds?: string[];

  /**
   * Interface VPC endpoints that may be used to connect (`aws:SourceVpce`), e.g. `endpoint.vpcEndpointId`.
   *
   * @default - no endpoint allow-list
   */
  readonly sourceVpcEndpointIds?: string[];

  /**
   * IAM role/user ARNs allowed to connect (`aws:PrincipalArn`, `ArnNotLike`: `*` wildcards work);
   * every other principal is denied, whatever its identity policy says.
   *
   * @default - no principal allow-list
   */
  readonly principalArns?: string[];

  /**
   * Deny every connection that does not arrive through a VPC endpoint (`Null` test on `aws:SourceVpc`).
   *
   * Contradicts `sourceIps` (public IPs never arrive through a VPC endpoint), so the two together are refused.
   *
   * @default false
   */
  readonly blockPublicAccess?: boolean;

  /**
   * Organizations the caller must belong to (`aws:PrincipalOrgID`, `StringNotEquals`): a principal of any
   * other organization, or of none, is denied. Combines with the principal list by AND.
   *
   * @default - no organization restriction
   */
  readonly principalOrgIds?: string[];

  /**
   * Organization paths the caller must be under (`aws:PrincipalOrgPaths`), e.g.
   * `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*`. The documented allow form is `ForAnyValue:StringLike` ("one of
   * the caller's paths matches one of these"); the library renders its negation as a Deny,
   * `ForAllValues:StringNotLike`, which also denies a caller with no organization path at all. Combines with
   * `principalOrgIds` and the principal list by AND; a path outside every listed organization is refused.
   *
   * @default - no organizational-unit restriction
   */
  readonly principalOrgPaths?: string[];

  /**
   * Private client addresses allowed through a VPC endpoint (`aws:VpcSourceIp`), e.g. the CIDR blocks of the
   * application subnets. A connection through an endpoint must come from one of these addresses, and, when
   * `sourceVpcIds` or `sourceVpcEndpointIds` are set, also through one of those VPCs or endpoints (AND).
   * It never admits a connection over the internet: with `vpcSourceIps` and no `sourceIps`, public
   * connections are denied, as for any origin kind you did not list.
   *
   * `aws:VpcSourceIp` is present only on requests through a VPC endpoint.
   *
   * @default - no private-address restriction
   */
  readonly vpcSourceIps?: string[];
}
