/**
 * What a ConnectCheck invocation returns, as integ-tests-alpha assertions.
 *
 * Lambda's Invoke API returns the function's result in `Payload` as bytes; the assertion provider decodes
 * them to text and does not parse it, so `Payload` is a JSON *string* (`'{"ok":true,"value":1}'`) and is
 * matched with `Match.serializedJson`. test/integ-assertions.test.ts runs these patterns through the
 * provider's own handler against the responses AWS returns.
 */
import { ExpectedResult, Match, WaiterStateMachineOptions } from '@aws-cdk/integ-tests-alpha';
import { Duration } from 'aws-cdk-lib';

/**
 * How long a connection assertion retries. Resource-policy changes on a DSQL cluster are eventually
 * consistent and "typically take effect within one minute"
 * (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/resource-based-policies.html), and a new IAM role
 * needs a moment before it can sign in: retry every 10 s for up to 5 minutes (30 attempts), then fail.
 */
export const CONNECT_RETRY: WaiterStateMachineOptions = {
  interval: Duration.seconds(10),
  totalTimeout: Duration.minutes(5),
};

/**
 * Failures that mean the client never reached a server that could judge it: a timeout (a security group or
 * NACL dropping packets, or no route), a DNS failure (private DNS not resolving), a refused or unreachable
 * socket, or a TLS certificate that does not verify. A refusal that proves a policy works is none of these.
 * The matcher compiles the pattern with the `gm` flags, so `(?<![\s\S])` (nothing before) anchors it to the
 * start of the whole text rather than of a line.
 */
export const NETWORK_FAILURE_WORDS = [
  'timeout', 'Timeout', 'timed out', 'ETIMEDOUT',
  'ENOTFOUND', 'EAI_AGAIN',
  'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH',
  'certificate',
];
const NOT_A_NETWORK_FAILURE = `(?<![\\s\\S])(?![\\s\\S]*(?:${NETWORK_FAILURE_WORDS.join('|')}))[\\s\\S]`;
/** The complement of NOT_A_NETWORK_FAILURE: an error text that names a network failure. */
const A_NETWORK_FAILURE = `(?:${NETWORK_FAILURE_WORDS.join('|')})`;

/** The client connected with its token over TLS and `SELECT 1` returned 1. */
export function connected(): ExpectedResult {
  return ExpectedResult.objectLike({
    StatusCode: 200,
    Payload: Match.serializedJson(Match.objectLike({ ok: true, value: 1 })),
  });
}

/**
 * The client reached the cluster and was turned away: `ok: false` with a non-empty error that is not a
 * network failure (see NETWORK_FAILURE_WORDS). The exact refusal text is not pinned: AWS does not document
 * the message for a connection denied by a resource or endpoint policy.
 */
export function refused(): ExpectedResult {
  return ExpectedResult.objectLike({
    StatusCode: 200,
    Payload: Match.serializedJson(Match.objectLike({ ok: false, error: Match.stringLikeRegexp(NOT_A_NETWORK_FAILURE) })),
  });
}

/**
 * The client never reached a server that could judge it: `ok: false` with an error that is a network failure
 * (see NETWORK_FAILURE_WORDS), the complement of `refused()`. What a security group, a network ACL or a
 * missing route does: the packets are dropped (a timeout) or the name does not resolve.
 */
export function unreachable(): ExpectedResult {
  return ExpectedResult.objectLike({
    StatusCode: 200,
    Payload: Match.serializedJson(Match.objectLike({ ok: false, error: Match.stringLikeRegexp(A_NETWORK_FAILURE) })),
  });
}

/** A query client (./sql.ts `query`) connected as its role and its statement succeeded. */
export function queried(): ExpectedResult {
  return ExpectedResult.objectLike({
    StatusCode: 200,
    Payload: Match.serializedJson(Match.objectLike({ ok: true })),
  });
}
