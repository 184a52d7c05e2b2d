// Validates Kubernetes manifests offline, each document of each file, in two passes:
//  1. the JSON schema of its apiVersion/kind, generated from the Kubernetes OpenAPI document and shipped compiled in
//     the npm package kubernetes-models (types, formats, enums, required fields);
//  2. strictness, as kubeconform's -strict: every field must exist in the API type, checked against the official
//     client's generated model (@kubernetes/client-node's attribute maps), since the schemas of pass 1 allow unknown
//     fields. A misspelt field is silently dropped by the API server; here it fails.
// The YAML is parsed strictly too (duplicate keys, syntax errors and warnings fail).
//
// Usage: node validate.mjs FILE...    prints one line per document and "N passed, N failed"; exit 1 if any failed.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseAllDocuments } from "yaml";
import * as models from "@kubernetes/client-node/dist/gen/models/all.js";

// apps/v1 -> ["apps", "v1"]; v1 -> ["", "v1"]
function groupVersion(apiVersion) {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? ["", apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

async function schemaModel(apiVersion, kind) {
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind];
  } catch (e) {
    return null;
  }
}

// the client's class for a top-level kind: apps/v1 StatefulSet -> V1StatefulSet, policy/v1 ... -> V1PodDisruptionBudget
function clientType(apiVersion, kind) {
  const version = groupVersion(apiVersion)[1];
  const name = version.charAt(0).toUpperCase() + version.slice(1) + kind;
  return models[name] && typeof models[name].getAttributeTypeMap === "function" ? name : null;
}

const LEAF_TYPES = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString", "RawExtension"]);

// every key of value must be a field of type; errors are pushed as "path: message"
function checkFields(value, type, path, errors) {
  if (value === null || value === undefined || LEAF_TYPES.has(type)) {
    return;
  }
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) {
      value.forEach((item, i) => checkFields(item, array[1], `${path}[${i}]`, errors));
    }
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === "object" && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) {
        checkFields(item, map[1], `${path}.${key}`, errors);
      }
    }
    return;
  }
  const model = models[type];
  if (!model || typeof model.getAttributeTypeMap !== "function") {
    errors.push(`${path}: internal: no model for type '${type}' to check its fields against`);
    return;
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return; // a wrong type is pass 1's to report
  }
  const fields = new Map(model.getAttributeTypeMap().map(a => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    if (!fields.has(key)) {
      errors.push(`${path}.${key}: unknown field (${type} has: ${[...fields.keys()].join(", ")})`);
    } else {
      checkFields(item, fields.get(key), `${path}.${key}`, errors);
    }
  }
}

async function validateDocument(object) {
  const errors = [];
  if (object === null || typeof object !== "object" || Array.isArray(object)) {
    return { name: "?", errors: ["the document is not a mapping"] };
  }
  const { apiVersion, kind } = object;
  const name = `${apiVersion} ${kind} ${object.metadata?.name ?? "(no metadata.name)"}`;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return { name, errors: ["apiVersion and kind are required strings"] };
  }
  const Model = await schemaModel(apiVersion, kind);
  const type = clientType(apiVersion, kind);
  if (!Model || !type) {
    return { name, errors: [`no schema for apiVersion ${apiVersion} kind ${kind}`] };
  }
  try {
    new Model(object).validate();
  } catch (e) {
    errors.push(`schema: ${e.message}`);
  }
  checkFields(object, type, "", errors);
  if (!object.metadata?.name) {
    errors.push("metadata.name: required");
  }
  return { name, errors };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE...");
  process.exit(2);
}
let passed = 0;
let failed = 0;
for (const file of files) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"), { uniqueKeys: true, prettyErrors: true });
  let count = 0;
  for (const document of documents) {
    const problems = [...document.errors, ...document.warnings].map(e => `yaml: ${e.message}`);
    const object = problems.length === 0 ? document.toJS() : null;
    if (problems.length === 0 && object === null) {
      continue; // an empty document (a trailing ---)
    }
    count++;
    const result = problems.length === 0 ? await validateDocument(object) : { name: "?", errors: problems };
    if (result.errors.length === 0) {
      passed++;
      console.log(`PASS ${basename(file)}: ${result.name}`);
    } else {
      failed++;
      console.log(`FAIL ${basename(file)}: ${result.name}`);
      result.errors.forEach(e => console.log(`     ${e}`));
    }
  }
  if (count === 0) {
    failed++;
    console.log(`FAIL ${basename(file)}: no document`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
