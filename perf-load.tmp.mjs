const t0 = process.cpuUsage();
const w = performance.now();
const m = process.argv[2];
await import(m);
const u = process.cpuUsage(t0);
console.log(m, 'cpu', ((u.user + u.system) / 1000).toFixed(0), 'ms wall', (performance.now() - w).toFixed(0), 'rss', (process.memoryUsage().rss/1e6).toFixed(0), 'MB heap', (process.memoryUsage().heapUsed/1e6).toFixed(0));
