/**
 * What a heap snapshot retains, by V8's dominator tree: prints the tree from the GC roots down,
 * each object with the heap it alone keeps alive (retained size, MB) and the edge it hangs from,
 * children under `minMb` summed on one line. A diagnosis aid for `bench/cycle-snapshot.ts`'s files
 * (a 30,000-user snapshot, 250 MB, takes about 10 s and 3 GB).
 *
 *   node --max-old-space-size=8000 bench/heap-dominators.mjs cycle-30000-end.heapsnapshot [depth] [minMb]
 */
import { readFileSync } from 'node:fs';

const [file, depthArg = '6', minArg = '1'] = process.argv.slice(2);
const snap = JSON.parse(readFileSync(file, 'utf8'));
const meta = snap.snapshot.meta;
const NF = meta.node_fields.length;
const EF = meta.edge_fields.length;
const field = (name) => meta.node_fields.indexOf(name);
const [nType, nName, nSize, nEdges] = ['type', 'name', 'self_size', 'edge_count'].map(field);
const eType = meta.edge_fields.indexOf('type');
const eTo = meta.edge_fields.indexOf('to_node');
const eName = meta.edge_fields.indexOf('name_or_index');
const [nodeTypes] = meta.node_types;
const [edgeTypes] = meta.edge_types;
const { nodes, edges, strings } = snap;
const N = nodes.length / NF;

const firstEdge = new Uint32Array(N + 1);
for (let i = 0, e = 0; i < N; i++) {
  firstEdge[i] = e;
  e += nodes[i * NF + nEdges] * EF;
}
firstEdge[N] = edges.length;
// Weak and shortcut edges keep nothing alive.
const ignored = new Set([edgeTypes.indexOf('weak'), edgeTypes.indexOf('shortcut')]);
const strong = (e) => !ignored.has(edges[e + eType]);

/** Depth-first postorder from the root (node 0). */
function postorder() {
  const order = new Int32Array(N).fill(-1);
  const post = new Int32Array(N);
  const stack = new Int32Array(N);
  const next = new Uint32Array(N);
  const seen = new Uint8Array(N);
  let count = 0;
  let top = 0;
  stack[top++] = 0;
  next[0] = firstEdge[0];
  seen[0] = 1;
  while (top > 0) {
    const v = stack[top - 1];
    let pushed = false;
    while (next[v] < firstEdge[v + 1]) {
      const e = next[v];
      next[v] += EF;
      const w = edges[e + eTo] / NF;
      if (!strong(e) || seen[w]) continue;
      seen[w] = 1;
      next[w] = firstEdge[w];
      stack[top++] = w;
      pushed = true;
      break;
    }
    if (!pushed) {
      top--;
      order[v] = count;
      post[count++] = v;
    }
  }
  return { order, post, count };
}

/** Immediate dominators (Cooper, Harvey and Kennedy), by postorder number. */
function dominators({ order, post, count }) {
  const start = new Uint32Array(N + 1);
  for (let v = 0; v < N; v++)
    for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += EF) if (strong(e)) start[edges[e + eTo] / NF + 1]++;
  for (let i = 0; i < N; i++) start[i + 1] += start[i];
  const preds = new Uint32Array(start[N]);
  const fill = start.slice(0, N);
  for (let v = 0; v < N; v++)
    for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += EF)
      if (strong(e)) preds[fill[edges[e + eTo] / NF]++] = v;
  const idom = new Int32Array(count).fill(-1);
  const root = order[0];
  idom[root] = root;
  const meet = (a, b) => {
    while (a !== b) {
      while (a < b) a = idom[a];
      while (b < a) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let b = count - 1; b >= 0; b--) {
      if (b === root) continue;
      const v = post[b];
      let found = -1;
      for (let p = start[v]; p < start[v + 1]; p++) {
        const u = order[preds[p]];
        if (u >= 0 && idom[u] !== -1) found = found === -1 ? u : meet(u, found);
      }
      if (found !== -1 && idom[b] !== found) {
        idom[b] = found;
        changed = true;
      }
    }
  }
  return idom;
}

const walk = postorder();
const idom = dominators(walk);
const retained = new Float64Array(N);
const children = new Map();
for (let b = 0; b < walk.count; b++) retained[walk.post[b]] = nodes[walk.post[b] * NF + nSize];
for (let b = 0; b < walk.count; b++) {
  if (b === walk.order[0]) continue;
  const v = walk.post[b];
  const parent = walk.post[idom[b]];
  retained[parent] += retained[v];
  if (!children.has(parent)) children.set(parent, []);
  children.get(parent).push(v);
}

const label = (v) => {
  const type = nodeTypes[nodes[v * NF + nType]];
  const name = strings[nodes[v * NF + nName]];
  return `${type}:${type.endsWith('string') ? JSON.stringify(name.slice(0, 30)) : name.slice(0, 60)}`;
};
const edgeTo = (p, v) => {
  for (let e = firstEdge[p]; e < firstEdge[p + 1]; e += EF) {
    if (edges[e + eTo] / NF !== v) continue;
    const type = edgeTypes[edges[e + eType]];
    return type === 'element' || type === 'hidden' ? `[${edges[e + eName]}]` : strings[edges[e + eName]];
  }
  return '?';
};
const mb = (bytes) => (bytes / 1048576).toFixed(2).padStart(7);
const minBytes = Number(minArg) * 1048576;

function show(v, depth, indent) {
  const kids = (children.get(v) ?? []).sort((a, b) => retained[b] - retained[a]);
  let small = 0;
  let smallCount = 0;
  for (const c of kids) {
    if (retained[c] < minBytes) {
      small += retained[c];
      smallCount++;
      continue;
    }
    console.log(`${mb(retained[c])} ${indent}${edgeTo(v, c)} -> ${label(c)}`);
    if (depth > 0) show(c, depth - 1, `${indent}  `);
  }
  if (smallCount > 0) console.log(`${mb(small)} ${indent}(${smallCount} smaller)`);
}

console.log(`${mb(retained[0])} in all, ${walk.count} objects`);
show(0, Number(depthArg), '');
