// Runs xlwings Lite's main.py in real Pyodide under Node (tests/test_lite_pyodide.py).
// node run.mjs PYODIDE_DIR WHEELS_DIR WORK_DIR
//   WORK_DIR/wheels.json   the wheel files (in WHEELS_DIR) to install, micropip's own first
//   WORK_DIR/main.py       the bundle `jiceng lite` wrote; WORK_DIR/driver.py presses the buttons
//   WORK_DIR/request.json  what to press and call → WORK_DIR/result.json
//   WORK_DIR/modules.json  the addin modules main.py carries: each must import in Pyodide
import { pathToFileURL } from "node:url";

const [pyodideDir, wheels, work] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(`${pyodideDir}/pyodide.mjs`).href);
const started = performance.now();
const pyodide = await loadPyodide({ indexURL: `${pyodideDir}/` });
const loaded = performance.now();
for (const [dir, at] of [[wheels, "/wheels"], [work, "/work"]]) {
  pyodide.FS.mkdirTree(at);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: dir }, at);
}
try {
  await pyodide.runPythonAsync(`
import importlib, json, site, sys, time, zipfile
from importlib.metadata import distributions

names = json.load(open("/work/wheels.json"))
# micropip is not in the npm package (Pyodide fetches it from its CDN): unpack its pure wheel.
zipfile.ZipFile(f"/wheels/{names[0]}").extractall(site.getsitepackages()[0])
import micropip

# Local files only, exactly these: nothing is fetched from an index.
await micropip.install([f"emfs:/wheels/{name}" for name in names[1:]], deps=False)
# Set before xlwings is imported, as for the CPython side: xw.script / xw.func register the
# buttons and functions only "on a server" (xlwings Lite's runtime is one), and the remote engine
# that builds a book from the client's JSON asks for a licence key (the free noncommercial one).
import os
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
# main.py as pasted into xlwings Lite: it unpacks the addin package into Pyodide's /tmp.
sys.path[:0] = ["/work"]
start = time.perf_counter()
import main
first_exec = time.perf_counter() - start

import driver
result = await driver.drive(main, json.load(open("/work/request.json", encoding="utf-8")))
result["first_exec"] = first_exec
result["python"] = sys.version.split()[0]
result["platform"] = sys.platform
result["addin"] = sys.modules["addin"].__file__
result["loaded"] = sorted(m for m in sys.modules if m == "addin" or m.startswith("addin."))
# Then every module main.py carries (some are imported only on paths no sample takes).
result["import_failures"] = {}
for name in json.load(open("/work/modules.json")):
    try:
        importlib.import_module(name)
    except Exception as error:
        result["import_failures"][name] = repr(error)
result["packages"] = {d.metadata["Name"].lower(): d.version for d in distributions()}
with open("/work/result.json", "w", encoding="utf-8") as handle:
    json.dump(result, handle, ensure_ascii=False)
`);
} catch (error) {
  console.error(String(error.message ?? error)); // Python's traceback, not Pyodide's source
  process.exit(1);
}
const done = performance.now();
console.log(JSON.stringify({ load: (loaded - started) / 1000, total: (done - started) / 1000 }));
