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

/** One condition of an advanced event selector, in either spelling (L1 `equalTo` or template `Equals`). */
export interface FieldSelector {
  readonly field: string;
  readonly equals: readonly unknown[];
  readonly startsWith: readonly unknown[];
  readonly endsWith: readonly unknown[];
  readonly notEquals: readonly unknown[];
  readonly notStartsWith: readonly unknown[];
  readonly notEndsWith: readonly unknown[];
}

/** The field selectors of one advanced event selector (`FieldSelectors` / `fieldSelectors`), or undefined when unreadable. */
export function fieldSelectorsOf(selector: unknown): FieldSelector[] | undefined {
  const s = selector as Record<string, unknown> | undefined;
  const raw = s?.FieldSelectors ?? s?.fieldSelectors;
  if (!Array.isArray(raw)) return undefined;
  const list = (f: Record<string, unknown>, ...keys: string[]) => {
    const v = keys.map((k) => f[k]).find((x) => x !== undefined);
    return Array.isArray(v) ? v : [];
  };
  const out: FieldSelector[] = [];
  for (const f of raw as Record<string, unknown>[]) {
    const field = f?.Field ?? f?.field;
    if (typeof field !== 'string') return undefined;
    out.push({
      field,
      equals: list(f, 'Equals', 'equalTo', 'equals'),
      startsWith: list(f, 'StartsWith', 'startsWith'),
      endsWith: list(f, 'EndsWith', 'endsWith'),
      notEquals: list(f, 'NotEquals', 'notEquals'),
      notStartsWith: list(f, 'NotStartsWith', 'notStartsWith'),
      notEndsWith: list(f, 'NotEndsWith', 'notEndsWith'),
    });
  }
  return out;
}

/** Three-valued tests of a `resources.ARN` value against one cluster's ARN: true, false, or undefined (unknown). */
export interface ClusterArnTests {
  equals(value: unknown): boolean | undefined;
  startsWith(value: unknown): boolean | undefined;
  endsWith(value: unknown): boolean | undefined;
}

function anyOf(values: readonly unknown[], test: (v: unknown) => boolean | undefined): boolean | undefined {
  let unknown = false;
  for (const v of values) {
    const t = test(v);
    if (t === true) return true;
    if (t === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

function stringTests(value: string): ClusterArnTests {
  return {
    equals: (v) => (typeof v === 'string' ? v === value : undefined),
    startsWith: (v) => (typeof v === 'string' ? value.startsWith(v) : undefined),
    endsWith: (v) => (typeof v === 'string' ? value.endsWith(v) : undefined),
  };
}

/** Whether one field selector lets events through whose field has a value that `tests` judges. */
function fieldAdmits(f: FieldSelector, tests: ClusterArnTests): boolean | undefined {
  const positives = [anyOf(f.equals, tests.equals), anyOf(f.startsWith, tests.startsWith), anyOf(f.endsWith, tests.endsWith)];
  const hasPositive = f.equals.length + f.startsWith.length + f.endsWith.length > 0;
  const positive = !hasPositive ? true : positives.includes(true) ? true : positives.includes(undefined) ? undefined : false;
  const negatives = [anyOf(f.notEquals, tests.equals), anyOf(f.notStartsWith, tests.startsWith), anyOf(f.notEndsWith, tests.endsWith)];
  const negative = negatives.includes(true) ? true : negatives.includes(undefined) ? undefined : false;
  if (positive === false || negative === true) return false;
  if (positive === undefined || negative === undefined) return undefined;
  return true;
}

/**
 * Whether an advanced event selector records the connection attempts to one cluster (all of them, for at least one
 * connect event): true, false, or undefined when the app cannot tell (an unknown value, or a field such as
 * `readOnly` or `userIdentity.arn` that keeps some attempts out). Conditions combine with AND.
 */
export function selectsConnections(selector: readonly FieldSelector[], arn: ClusterArnTests): boolean | undefined {
  let result: boolean | undefined = true;
  const judge = (t: boolean | undefined) => {
    if (t === false) result = false;
    else if (t === undefined && result !== false) result = undefined;
  };
  const fields = new Set(selector.map((f) => f.field));
  if (!fields.has('eventCategory') || !fields.has('resources.type')) return false;
  for (const f of selector) {
    switch (f.field) {
      case 'eventCategory': judge(fieldAdmits(f, stringTests('Data'))); break;
      case 'resources.type': judge(fieldAdmits(f, stringTests(DSQL_CLOUDTRAIL_RESOURCE_TYPE))); break;
      case 'eventName': judge(anyOf(CONNECT_EVENT_NAMES, (n) => fieldAdmits(f, stringTests(n as string)))); break;
      case 'resources.ARN': judge(fieldAdmits(f, arn)); break;
      default: judge(undefined);
    }
  }
  return result;
}

/**
 * Whether a trail or an event data store records anything, from its CloudFormation properties (template
 * spelling): a trail with `IsLogging` false, or an event data store with `IngestionEnabled` false, records
 * nothing. Booleans may be written as strings in a template (`"false"`); a value that is neither (a token, a
 * parameter) is taken as recording, so an audit the app cannot judge is not reported as missing.
 */
export function recordsEvents(type: string, properties: { readonly IsLogging?: unknown; readonly IngestionEnabled?: unknown }): boolean {
  const off = (v: unknown) => v === false || v === 'false';
  if (type === 'AWS::CloudTrail::Trail') return !off(properties.IsLogging);
  if (type === 'AWS::CloudTrail::EventDataStore') return !off(properties.IngestionEnabled);
  return false;
}
