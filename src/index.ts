export * from './connect-conditions';
export * from './cluster';
export * from './database-role';
