// The official AsyncAPI parser (@asyncapi/parser 3) on an AsyncAPI document, with its file
// references resolved next to it. Prints {"errors": [...], "warnings": n} as JSON; exit 1 when
// there is an error.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Parser, fromFile } from "@asyncapi/parser";

const path = resolve(process.argv[2]);
const parser = new Parser();
const { diagnostics } = await fromFile(parser, path).parse({
  source: pathToFileURL(path).href,
});
await readFile(path); // the file exists (fromFile reports a missing one as a diagnostic too)
const errors = diagnostics
  .filter((d) => d.severity === 0)
  .map((d) => ({ code: d.code, message: d.message, path: d.path.join("/") }));
const warnings = diagnostics.filter((d) => d.severity === 1).length;
console.log(JSON.stringify({ errors, warnings }));
process.exit(errors.length ? 1 : 0);
