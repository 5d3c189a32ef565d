// What one write costs Azurite's table store as the table grows, measured on the LokiJS collection Azurite itself uses
// (node_modules/lokijs, indexed on PartitionKey and RowKey as LokiTableMetadataStore.createCollectionForTable sets it up).
// Azurite keeps each table in one such collection: an insert splices two sorted index arrays, and a merge or replace
// (Azurite's updateTableEntity is a remove + insert) scans them, so every write costs more as the table holds more rows,
// whichever partition it goes to. Azure Table Storage has no such cost. Run: node bench/azurite-table-cost.js
"use strict";
const path = require("path");
const loki = require(path.join(__dirname, "..", "node_modules", "lokijs"));

const sizes = (process.argv[2] || "1000,10000,100000,300000").split(",").map(Number);
const writes = 2000;
const micros = (start) => Number(process.hrtime.bigint() - start) / writes / 1000;

function measure(n) {
  const db = new loki("cost", { persistenceMethod: "memory" });
  const table = db.addCollection("t", { indices: ["PartitionKey", "RowKey"] });
  for (let i = 0; i < n; i++) table.insert({ PartitionKey: "history|" + (i % 1000), RowKey: "r" + i, properties: { i } });

  let start = process.hrtime.bigint();
  for (let i = 0; i < writes; i++) {
    // As LokiTableMetadataStore.insertTableEntity: look for the row, then insert.
    if (table.findOne({ RowKey: "new" + i, PartitionKey: "hot" })) throw new Error("exists");
    table.insert({ PartitionKey: "hot", RowKey: "new" + i, properties: { i } });
  }
  const insert = micros(start);

  start = process.hrtime.bigint();
  for (let i = 0; i < writes; i++) {
    // As mergeTableEntity: find, then update in place.
    const doc = table.findOne({ RowKey: "new" + i, PartitionKey: "hot" });
    table.update({ ...doc, properties: { ...doc.properties, merged: true } });
  }
  const merge = micros(start);

  start = process.hrtime.bigint();
  for (let i = 0; i < writes; i++) {
    // As updateTableEntity (replace): find, remove, insert.
    const doc = table.findOne({ RowKey: "new" + i, PartitionKey: "hot" });
    table.remove(doc);
    table.insert({ PartitionKey: "hot", RowKey: "new" + i, properties: { replaced: true } });
  }
  return { insert, merge, replace: micros(start) };
}

measure(1000); // warm-up: let V8 compile the paths before anything is timed
console.log("| rows in the table | insert µs | merge µs | replace µs |");
console.log("|---:|---:|---:|---:|");
for (const n of sizes) {
  const { insert, merge, replace } = measure(n);
  console.log(`| ${n.toLocaleString("en-US")} | ${insert.toFixed(1)} | ${merge.toFixed(1)} | ${replace.toFixed(1)} |`);
}
