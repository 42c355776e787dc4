// Pyodide's memory right after it has started, for tests/test_lite_pyodide.py to start from
// (Pyodide's own start-up is most of the test's CPU; what the test checks comes after it).
// node snapshot.mjs PYODIDE_DIR SNAPSHOT_FILE
import { renameSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [pyodideDir, snapshot] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(`${pyodideDir}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: `${pyodideDir}/`, _makeSnapshot: true });
writeFileSync(`${snapshot}.part`, pyodide.makeMemorySnapshot());
renameSync(`${snapshot}.part`, snapshot); // whole or not at all
