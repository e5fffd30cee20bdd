// PostGraphile 5 over the registry's own PostgreSQL schema, as the benchmark's peer
// (`cargo bench -p registry-api --bench peer`): the Amber preset with the connection-filter plugin,
// on loopback, GraphiQL off. DATABASE_URL, PORT and POOL_SIZE come from the harness.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: Number(process.env.POOL_SIZE ?? 16) },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphiql: false,
  },
  schema: {
    // The registry lets `IN` lists of 1,000 codes through; so does the peer.
    connectionFilterArrays: true,
  },
};

export default preset;
