// Stands in for prettier in the bundles (esbuild.mjs aliases it here). json-schema-to-typescript
// requires prettier for its `format` option, which Code Mode turns off: declarations are indented
// by generate.ts, much faster, and prettier would be most of the extension's size.

export function format(): never {
  throw new Error('prettier is not bundled: generate declarations with format: false');
}
