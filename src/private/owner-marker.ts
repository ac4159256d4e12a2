/**
 * Which of the library's constructs created a resource, for the rule pack (src/checks), which must not report what
 * that construct already refuses or needs by design. The construct marks itself; a resource is owned by the outermost
 * marked scope. A marker on the construct object, not in the template: nothing of it is synthesized, and the rule
 * pack imports no construct class.
 */
import type { IConstruct } from 'constructs';

/** The library's constructs that check their own resources at synth. */
export type LibraryOwner = 'private-link-endpoint' | 'database-role-handler';

const OWNER = Symbol.for('secure-dsql.library-owner');

/** Mark a construct of the library: the resources under it are its own. */
export function markLibraryOwner(scope: IConstruct, owner: LibraryOwner): void {
  Object.defineProperty(scope, OWNER, { value: owner, enumerable: false, configurable: true });
}

/** The library construct that created a resource (its outermost marked scope), if any. */
export function libraryOwnerOf(c: IConstruct): LibraryOwner | undefined {
  for (const scope of c.node.scopes) {
    const owner = (scope as unknown as Record<symbol, LibraryOwner | undefined>)[OWNER];
    if (owner) return owner;
  }
  return undefined;
}
