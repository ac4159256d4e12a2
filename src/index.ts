export * from './connect-conditions';
export * from './cluster';
export * from './database-role';
export * from './connect-policy';
export * from './private-path-policy';
export * from './private-link-endpoint';
export * from './checks';
