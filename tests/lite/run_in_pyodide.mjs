// node run_in_pyodide.mjs SITE SCRIPT.py: run SCRIPT with the site's pyodide and wheels.
// The packages come from the site's own lock, as in the browser: `import netsim` loads
// netsim's wheel and what its lock entry depends on. Python's stdout is ours; an error
// ends with exit status 1 and the traceback on stderr.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [site, script] = process.argv.slice(2);
const dir = `${site}/static/pyodide/`;
const { loadPyodide } = await import(pathToFileURL(`${dir}pyodide.mjs`).href);
const py = await loadPyodide({ indexURL: dir, stdout: (s) => console.log(s),
                               stderr: (s) => console.error(s) });
const code = readFileSync(script, "utf8");
await py.loadPackagesFromImports(code, { messageCallback: () => {} });
try {
  await py.runPythonAsync(code);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
