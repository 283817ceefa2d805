// The ajv peer of `cargo bench --bench scale`: ajv as a library in one Node process, as a
// team would script it. Compiles every rule's schema once, reads and parses every document
// once (js-yaml for YAML and Markdown front matter, JSON.parse for JSON) and validates it
// against every schema that applies to it.
//
// node benches/ajv-peer.cjs MANIFEST   (NODE_PATH: a node_modules with ajv, ajv-formats, js-yaml)
// MANIFEST: [{"schema": "/path/rule.schema.json", "files": ["unit-0/ai-systems/x.yaml", ...]}]
// Paths of files are relative to the working directory. Exit 1 if any document is invalid.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;
const yaml = require("js-yaml");

const manifest = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

const parsed = new Map();
function data(path) {
  let value = parsed.get(path);
  if (value === undefined) {
    const text = fs.readFileSync(path, "utf8");
    if (path.endsWith(".json")) {
      value = JSON.parse(text);
    } else if (path.endsWith(".md")) {
      const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
      value = m ? yaml.load(m[1]) : {};
    } else {
      value = yaml.load(text);
    }
    // Dates as YAML writes them are strings to aims-lint and to check-jsonschema.
    value = JSON.parse(JSON.stringify(value));
    parsed.set(path, value);
  }
  return value;
}

let invalid = 0;
for (const { schema, files } of manifest) {
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schema, "utf8")));
  for (const path of files) {
    if (!validate(data(path))) invalid += 1;
  }
}
console.log(`${parsed.size} documents, ${invalid} invalid (document, schema) pairs`);
process.exit(invalid > 0 ? 1 : 0);
