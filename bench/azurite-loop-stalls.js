// Preloaded into each Azurite process to log when its event loop stopped and its long GC pauses, with wall-clock
// times to set beside the host's log and bench/results/at-rate-timeline.csv:
//   AZURITE_NODE_ARGS="--require $PWD/bench/azurite-loop-stalls.js" dotnet run -c Release --project bench/Bench
// Writes /tmp/azurite-stalls-<pid>.log (or $AZURITE_STALLS_DIR): "<epoch s> loop-stall <ms> <service>" and
// "<epoch s> gc <ms> kind=<n> <service>". A 10 ms timer that fires late by more than 60 ms is a stall.
"use strict";
const fs = require("fs");
const path = require("path");
const { PerformanceObserver, performance } = require("perf_hooks");

const service = (process.argv[1] || "").split(path.sep).slice(-2, -1)[0] || "azurite";
const file = path.join(process.env.AZURITE_STALLS_DIR || "/tmp", `azurite-stalls-${process.pid}.log`);
const at = (ms) => ((performance.timeOrigin + ms) / 1000).toFixed(3);
const write = (line) => fs.appendFileSync(file, line + "\n");

new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if (e.duration >= 20) write(`${at(e.startTime)} gc ${e.duration.toFixed(1)} kind=${e.detail ? e.detail.kind : e.kind} ${service}`);
}).observe({ entryTypes: ["gc"] });

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > 60) write(`${at(now)} loop-stall ${(now - last).toFixed(1)} ${service}`);
  last = now;
}, 10).unref();
write(`${at(performance.now())} start ${service}`);
