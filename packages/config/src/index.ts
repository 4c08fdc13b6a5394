export { ConfigError } from './errors.ts';
export { readConfig, describeSchema } from './read-config.ts';
export type { Field, Schema, ConfigOf } from './read-config.ts';
export { str, int, bool, list, oneOf, bytes } from './parsers.ts';
export { graphApiSchema, graphVersion, httpUrl, requireGraphToken } from './graph-api-schema.ts';
