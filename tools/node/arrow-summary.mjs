// An independent reader for landed Arrow files (apache-arrow for JavaScript, fzstd for ZSTD), used by the interop
// test to check that what the C# side writes is standard Arrow IPC that other implementations read the same way.
//
//   node tools/node/arrow-summary.mjs FILE.arrow [COLUMN ...]
//
// Prints one JSON object: {"rows":N,"columns":[names],"sums":{"COLUMN":sum},"nulls":{"COLUMN":count}}.
import { readFileSync } from 'node:fs';
import { tableFromIPC, compressionRegistry, CompressionType } from 'apache-arrow';
import { decompress } from 'fzstd';

compressionRegistry.set(CompressionType.ZSTD, {
  // fzstd may return a view into a larger buffer at any offset; int64 and timestamp columns need 8-byte alignment,
  // so every decoded buffer is copied into a fresh Uint8Array.
  decode: (data) => new Uint8Array(decompress(data)),
});

const [file, ...columns] = process.argv.slice(2);
if (!file) {
  console.error('usage: node arrow-summary.mjs FILE.arrow [COLUMN ...]');
  process.exit(2);
}

const table = tableFromIPC(readFileSync(file));
const sums = {};
const nulls = {};
for (const name of columns) {
  const column = table.getChild(name);
  if (!column) {
    console.error(`no column ${name}; columns are ${table.schema.fields.map((f) => f.name).join(', ')}`);
    process.exit(1);
  }
  let sum = 0;
  let missing = 0;
  for (const value of column) {
    if (value === null || value === undefined) {
      missing++;
    } else {
      sum += Number(value);
    }
  }
  sums[name] = sum;
  nulls[name] = missing;
}

console.log(JSON.stringify({ rows: table.numRows, columns: table.schema.fields.map((f) => f.name), sums, nulls }));
