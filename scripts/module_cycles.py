#!/usr/bin/env python3
"""Lists import cycles between the modules of src/ (issue 15: data flows one way).

usage: scripts/module_cycles.py [SRC_DIR]   (default: src)

A module depends on another when its non-test code names `crate::other` or `super::other`;
a cycle is a strongly connected group of two or more modules. Exits 1 when there is one.
"""
import os
import re
import sys
root = sys.argv[1] if len(sys.argv) > 1 else "src"
mods = {}
for dp, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith('.rs'): continue
        p = os.path.join(dp, f); rel = os.path.relpath(p, root)[:-3]
        parts = rel.split('/')
        if parts[-1] == 'mod': parts = parts[:-1]
        if parts in (['lib'], ['main']): continue
        name = '::'.join(parts)
        text = open(p).read()
        text = text.split('#[cfg(test)]')[0]
        text = re.sub(r'//.*', '', text)
        refs = set()
        for m in re.finditer(r'crate::([a-z_]+(?:::[a-z_]+)?)', text):
            refs.add(m.group(1))
        # Grouped imports: `use crate::{config, render::Renderer};`
        for m in re.finditer(r'crate::\{([^}]*)\}', text):
            for item in m.group(1).split(','):
                used = item.strip().split(' as ')[0]
                if re.match(r'[a-z_]', used):
                    refs.add('::'.join(used.split('::')[:2]))
        for m in re.finditer(r'super::([a-z_]+)', text):
            refs.add('::'.join(parts[:-1] + [m.group(1)]))
        mods[name] = refs
names = set(mods)
graph = {}
for n, refs in mods.items():
    deps = set()
    for r in refs:
        segs = r.split('::')
        cand = '::'.join(segs[:2]) if '::'.join(segs[:2]) in names else segs[0]
        if cand in names and cand != n and not n.startswith(cand + '::') and not cand.startswith(n + '::'):
            deps.add(cand)
    graph[n] = deps
# find cycles via Tarjan SCC
index = {}; low = {}; stack = []; on = set(); sccs = []; i = [0]
def strong(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index: strong(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in graph:
    if v not in index: strong(v)
for c in sccs: print("cycle among:", ", ".join(c))
print(f"{len(graph)} modules, {len(sccs)} cycles")
sys.exit(1 if sccs else 0)
