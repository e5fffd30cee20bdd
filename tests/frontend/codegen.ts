// Types for the example operations, generated from the checked-in schema: a schema change that breaks
// one of them fails `npm run typecheck` in CI.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: "operations/*.graphql",
  generates: {
    "generated/graphql.ts": {
      plugins: ["typescript-operations"],
      config: {
        // Every scalar as the TypeScript type a client holds it in, never `unknown` or `any`.
        strictScalars: true,
        scalars: {
          Date: "string",
          DateTime: "string",
          JSON: "{ [key: string]: unknown } | unknown[] | string | number | boolean | null",
          Upload: "File",
        },
        enumsAsTypes: true,
        avoidOptionals: true,
      },
    },
  },
};

export default config;
