import { Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Values that several synth-time checks need (the resolved rules of a security group shared by endpoints, and
 * whatever else a check would otherwise compute once per construct), computed once per validation pass.
 *
 * The memo of a stage (the App, or a nested Stage, which CDK validates on its own) is cleared by a validation
 * registered on the stage itself: CDK validates a stage's constructs in pre-order, root first, so the clearing
 * runs before any check of the pass reads the memo, and a second synthesis after changes to the app never sees
 * the values of the first. Outside a stage (a bare construct tree) nothing is kept.
 */
const MEMOS = new WeakMap<IConstruct, Map<string, WeakMap<object, unknown>>>();

/** `compute()` for `key` in `table`, computed once per validation pass of the stage of `scope`. */
export function validationMemo<K extends object, V>(scope: IConstruct, table: string, key: K, compute: () => V): V {
  const stage = Stage.of(scope);
  if (!stage) return compute();
  let tables = MEMOS.get(stage);
  if (!tables) {
    const fresh = new Map<string, WeakMap<object, unknown>>();
    tables = fresh;
    MEMOS.set(stage, fresh);
    stage.node.addValidation({ validate: () => { fresh.clear(); return []; } });
  }
  let memo = tables.get(table);
  if (!memo) {
    memo = new WeakMap();
    tables.set(table, memo);
  }
  if (memo.has(key)) return memo.get(key) as V;
  const value = compute();
  memo.set(key, value);
  return value;
}
