// Preload for profiling the service under a benchmark (Node 20 does not allow --cpu-prof in NODE_OPTIONS):
//   BENCH_SERVICE_NODE_OPTIONS="--require ./bench/cpu-profile.js" BENCH_PROFILE_DIR=/tmp/prof npm run bench
// Writes <dir>/service-<pid>.cpuprofile when the process exits (open it in Chrome DevTools or speedscope).
'use strict';
const inspector = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR || require('node:os').tmpdir();
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 1000 });
session.post('Profiler.start');
process.once('exit', () => {
  // The in-thread inspector answers synchronously, so this completes inside the exit handler.
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `service-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
