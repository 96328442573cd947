/** The schema layer: the official ZDS XSDs, compiled once, and validation of StUF body elements. */
export type { SchemaSetName, ValidationIssue, ValidationResult } from './types.js';
export { SCHEMA_SET_NAMES } from './types.js';
export { SchemaRegistry, SchemaLoadError } from './validator.js';
export { schemaSetFor } from './route.js';
export { buildHubSet, ENTRY_POINTS, KNOWN_MISSING } from './hubs.js';
export type { HubSet, NamespaceHub, MissingReference } from './hubs.js';
