// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per package, and the
// inclusive time of the functions on the hot path.
//
//   node scripts/bench/cpuprofile.mjs /tmp/uma-prof/CPU.<...>.cpuprofile [--top 25]
//
// Self time of a profile node = hitCount × the mean sampling interval ((endTime - startTime) / samples).
// Inclusive time of a function = the self time of every node under it, each path counted once (recursion safe).
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = process.cwd();

/** Where a function lives, shortened: a package name for node_modules, a repo-relative path otherwise. */
export function locationOf(url) {
  if (!url) return '';
  let path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf(`node_modules${sep}`);
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules'.length + 1).split(sep);
    const pkg = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    const rest = parts.slice(parts[0].startsWith('@') ? 2 : 1).join('/');
    return `${pkg}:${rest}`;
  }
  if (path.startsWith('node:') || !path.startsWith('/')) return path;
  return relative(ROOT, path);
}

/** The bucket a function's time is attributed to: a package, "node internals", "app: <lib>", or a V8 pseudo-frame. */
export function packageOf(callFrame) {
  const { url, functionName } = callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  const loc = locationOf(url);
  if (url.startsWith('node:') || !url.includes('/')) return 'node internals';
  const colon = loc.indexOf(':');
  if (url.includes('node_modules')) return loc.slice(0, colon);
  const m = /^dist\/(apps|libs)\/([^/]+)/.exec(loc);
  return m ? `app: ${m[1]}/${m[2]}` : loc;
}

/**
 * `window` ({ fromUs, toUs }, CLOCK_MONOTONIC microseconds, i.e. process.hrtime.bigint() / 1000n of any process
 * on the machine: V8's profile timestamps use the same clock on Linux) restricts the summary to the samples
 * taken in it, e.g. one benchmark scenario, leaving out start-up and the other phases.
 */
export function summariseCpuProfile(file, { top = 25, window } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const { nodes, samples, timeDeltas } = profile;
  let { startTime, endTime } = profile;
  let hits; // node id -> samples counted
  let sampleCount = samples.length;
  if (window) {
    hits = new Map();
    sampleCount = 0;
    let t = startTime;
    for (let i = 0; i < samples.length; i++) {
      t += timeDeltas[i];
      if (t < window.fromUs || t > window.toUs) continue;
      hits.set(samples[i], (hits.get(samples[i]) ?? 0) + 1);
      sampleCount++;
    }
    if (!sampleCount) throw new Error(`no samples of ${file} fall in the window ${window.fromUs}-${window.toUs} µs`);
    startTime = Math.max(startTime, window.fromUs);
    endTime = Math.min(endTime, window.toUs);
  }
  const hitsOf = (node) => (hits ? (hits.get(node.id) ?? 0) : (node.hitCount ?? 0));
  const totalUs = endTime - startTime;
  const intervalUs = sampleCount ? totalUs / sampleCount : 0;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const keyOf = (cf) => `${cf.functionName || '(anonymous)'}\u0000${cf.url}\u0000${cf.lineNumber}`;

  const self = new Map(); // key -> { frame, us }
  const byPackage = new Map();
  let idleUs = 0;
  for (const node of nodes) {
    const us = hitsOf(node) * intervalUs;
    if (!us) continue;
    const cf = node.callFrame;
    if (cf.functionName === '(idle)') idleUs += us;
    const key = keyOf(cf);
    const entry = self.get(key) ?? { frame: cf, us: 0 };
    entry.us += us;
    self.set(key, entry);
    const pkg = packageOf(cf);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }

  // Inclusive time: walk the tree once, adding each node's self time to every distinct function on its path.
  const inclusive = new Map();
  const childrenOf = (n) => n.children ?? [];
  const isChild = new Set(nodes.flatMap((n) => childrenOf(n)));
  const roots = nodes.filter((n) => !isChild.has(n.id));
  const stack = roots.map((n) => ({ node: n, path: [] }));
  let guard = nodes.length * 2 + 10; // bounded: a tree visits each node once
  while (stack.length && guard-- > 0) {
    const { node, path } = stack.pop();
    const key = keyOf(node.callFrame);
    const onPath = path.includes(key) ? path : [...path, key];
    const us = hitsOf(node) * intervalUs;
    if (us) for (const k of onPath) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    for (const id of childrenOf(node)) stack.push({ node: byId.get(id), path: onPath });
  }

  const busyUs = totalUs - idleUs;
  const row = (key, us) => {
    const cf = self.get(key)?.frame ?? nodes.find((n) => keyOf(n.callFrame) === key).callFrame;
    return {
      function: cf.functionName || '(anonymous)',
      location: cf.url ? `${locationOf(cf.url)}:${cf.lineNumber + 1}` : '',
      ms: Math.round(us / 100) / 10,
      pct_busy: Math.round((1000 * us) / busyUs) / 10,
    };
  };
  const topSelf = [...self.entries()]
    .filter(([, e]) => e.frame.functionName !== '(idle)')
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, top)
    .map(([key, e]) => row(key, e.us));
  const topInclusive = [...inclusive.entries()]
    .filter(([key]) => !key.startsWith('(root)') && !key.startsWith('(idle)') && !key.startsWith('(program)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => row(key, us));
  const packages = [...byPackage.entries()]
    .filter(([pkg]) => pkg !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .map(([pkg, us]) => ({
      package: pkg,
      ms: Math.round(us / 100) / 10,
      pct_busy: Math.round((1000 * us) / busyUs) / 10,
    }));
  return {
    file,
    duration_ms: Math.round(totalUs / 1000),
    busy_ms: Math.round(busyUs / 1000),
    idle_ms: Math.round(idleUs / 1000),
    samples: sampleCount,
    window: window ?? null,
    interval_us: Math.round(intervalUs),
    topSelf,
    topInclusive,
    packages,
  };
}

export function formatSummary(s, { top = 25 } = {}) {
  const lines = [];
  lines.push(
    `profile ${s.file}${s.window ? ' (measured window only)' : ''}: ${s.duration_ms} ms, busy ${s.busy_ms} ms, idle ${s.idle_ms} ms, ${s.samples} samples @ ~${s.interval_us} µs`,
  );
  const table = (title, rows, cols) => {
    lines.push('', title);
    const widths = cols.map(([h, f]) => Math.max(h.length, ...rows.map((r) => String(f(r)).length)));
    lines.push(`| ${cols.map(([h], i) => h.padEnd(widths[i])).join(' | ')} |`);
    lines.push(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
    for (const r of rows) lines.push(`| ${cols.map(([, f], i) => String(f(r)).padEnd(widths[i])).join(' | ')} |`);
  };
  const fnCols = [
    ['self ms', (r) => r.ms],
    ['% of busy', (r) => r.pct_busy],
    ['function', (r) => `\`${r.function}\``],
    ['where', (r) => r.location],
  ];
  table(`Top ${top} functions by self time`, s.topSelf.slice(0, top), fnCols);
  table('Self time by package', s.packages.slice(0, 20), [
    ['self ms', (r) => r.ms],
    ['% of busy', (r) => r.pct_busy],
    ['package', (r) => r.package],
  ]);
  table(
    `Top ${top} functions by inclusive time`,
    s.topInclusive.slice(0, top),
    fnCols.map(([h, f], i) => (i === 0 ? ['total ms', f] : [h, f])),
  );
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const topIndex = args.indexOf('--top');
  const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 25;
  if (!args.length) {
    process.stderr.write('usage: node scripts/bench/cpuprofile.mjs <file.cpuprofile> [--top N]\n');
    process.exit(2);
  }
  for (const file of args) process.stdout.write(`${formatSummary(summariseCpuProfile(file, { top }), { top })}\n`);
}
