/**
 * The fact base: what AWS documents about Aurora DSQL that the code relies on, each fact defined once, CDK-free
 * (docs/ARCHITECTURE.md, "Facts and policy semantics"). Handlers import `./patterns` only.
 */
export * from './actions';
export * from './cloudtrail';
export * from './condition-keys';
export * from './patterns';
export * from './ports';
export * from './regions';
