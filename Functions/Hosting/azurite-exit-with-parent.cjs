// Preloaded into every Azurite node process we start (node --require): when the process that started it is gone
// (a killed host, test run or benchmark), Azurite stops as on Ctrl+C, so no orphan keeps its ports (docs/hosting.md).
const parent = process.ppid;
function parentGone() {
  if (process.ppid !== parent) return true; // re-parented: the starter exited (POSIX)
  try { process.kill(parent, 0); return false; } catch (e) { return e.code !== "EPERM"; }
}
const watch = setInterval(() => {
  if (!parentGone()) return;
  clearInterval(watch); // one SIGINT: Azurite listens once, and a second one would kill it before it has flushed
  process.kill(process.pid, "SIGINT"); // Azurite's own graceful stop: it flushes its data files
  setTimeout(() => process.exit(0), 10000).unref();
}, 1000).unref();
