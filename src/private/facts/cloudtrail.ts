/**
 * How CloudTrail records Aurora DSQL connection attempts. CDK-free: the connection audit and the rule pack read them.
 *
 * Sources: Aurora DSQL User Guide, "Logging Aurora DSQL operations using AWS CloudTrail" (section "Aurora DSQL data
 * events in CloudTrail"); EventBridge events reference, "Amazon Aurora DSQL events"; CloudTrail User Guide, "Quotas
 * in AWS CloudTrail".
 */
import { CONNECT_ACTIONS } from './actions';

/** The `resources.type` of Aurora DSQL clusters in CloudTrail data events and advanced event selectors. */
export const DSQL_CLOUDTRAIL_RESOURCE_TYPE = 'AWS::DSQL::Cluster';

/** Where CloudTrail events of Aurora DSQL come from, in a record (`eventSource`) and on EventBridge. */
export const DSQL_EVENT_SOURCE = 'dsql.amazonaws.com';

/** The EventBridge `source` of Aurora DSQL events delivered by CloudTrail. */
export const DSQL_EVENTBRIDGE_SOURCE = 'aws.dsql';

/** The CloudTrail event name of a DSQL action (`dsql:DbConnect` is recorded as `DbConnect`). */
export function eventNameOf(action: string): string {
  return action.replace(/^dsql:/, '');
}

/** The data events Aurora DSQL records for connection attempts: the connect actions without their prefix. */
export const CONNECT_EVENT_NAMES: readonly string[] = CONNECT_ACTIONS.map(eventNameOf);
