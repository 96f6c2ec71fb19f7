// Ajv 8 (JSON Schema 2020-12, with formats) compiles each JSON Schema of the given folders, with
// every schema of those folders known by its $id. Prints {"compiled": n, "failures": [...]} as
// JSON; exit 1 when one does not compile.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const schemas = [];
for (const folder of process.argv.slice(2)) {
  for (const name of (await readdir(folder)).filter((n) => n.endsWith(".json")).sort()) {
    schemas.push({ name: join(folder, name), schema: JSON.parse(await readFile(join(folder, name))) });
  }
}
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const { schema } of schemas) ajv.addSchema(schema);
const failures = [];
for (const { name, schema } of schemas) {
  try {
    ajv.getSchema(schema.$id) ?? ajv.compile(schema);
  } catch (error) {
    failures.push({ schema: name, error: String(error.message) });
  }
}
console.log(JSON.stringify({ compiled: schemas.length - failures.length, failures }));
process.exit(failures.length ? 1 : 0);
