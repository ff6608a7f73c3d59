/* netsim player: draws the data netsim.viz.player computed, and steps through it.
 *
 * Plain JavaScript, no library, no request. Every string from the data goes into the
 * page as text (textContent, createTextNode, SVG <text>): nothing is parsed as HTML.
 * The data's format is described in netsim/viz/player/data.py.
 */
"use strict";

function netsimPlayer(uid) {
  const root = document.getElementById(uid);
  const D = JSON.parse(document.getElementById(uid + "-data").textContent);
  const S = D.S;
  const STEPS = D.steps;
  const N = STEPS.length;
  const F = {};
  D.fields.forEach((name, i) => { F[name] = i; });
  const SVGNS = "http://www.w3.org/2000/svg";
  const ROW_H = 46;             // px per event row (the list draws only what is seen)
  // px per unit of the layouts: the inside picture fits ~860 px (a notebook) with its
  // 11 px labels inside their boxes; narrower, it scrolls rather than shrink its text.
  const INSIDE_X = 55, INSIDE_Y = 56, TOPO = 56, PAD = 10;
  // Okabe-Ito: told apart with deuteranopia too; each frame also has its own shape.
  const FRAME_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000"];
  const FRAME_SHAPES = ["circle", "square", "diamond", "triangle", "down", "star"];
  const FRAME_GLYPHS = ["\u25CF", "\u25A0", "\u25C6", "\u25B2", "\u25BC", "\u2605"];
  const ACTION_ICONS = {drop: "\u2715", flood: "\u21F6", nat: "\u21C4", forward: "\u2192",
    learn: "+", reject: "\u2715", deliver: "\u2713", reply: "\u21A9", tx: "\u2191",
    rx: "\u2193", "pass-up": "\u21E7", write: "\u270E", read: "\u2197"};
  const NODE_STYLE = {   // kind -> [shape, fill, legend]
    "nic": ["square", "#0072B2", "physical NIC"],
    "emulated-nic": ["pentagon", "#CC79A7", "guest NIC (emulated by qemu)"],
    "tap": ["circle", "#009E73", "tap (fd on /dev/net/tun)"],
    "tun": ["down", "#E69F00", "tun (L3, fd on /dev/net/tun)"],
    "veth": ["diamond", "#56B4E9", "veth end"],
    "bridge": ["hexagon", "#D55E00", "bridge"],
    "loopback": ["star", "#999999", "loopback (lo)"],
    "slirp": ["octagon", "#E69F00", "user-mode network (slirp in qemu)"],
  };
  const EDGE_STYLE = {   // kind -> [colour, width, dash, legend]
    "port of": ["#D55E00", 1.5, "", "bridge port"],
    "veth": ["#56B4E9", 2.5, "", "veth pair"],
    "cable": ["#333333", 3, "", "cable"],
    "qemu": ["#CC79A7", 2, "7 4", "qemu moves frames (fd on /dev/net/tun)"],
    "slirp": ["#B8860B", 2, "7 4", "qemu's slirp takes the guest's frames"],
    "sockets": ["#B8860B", 2, "2 4", "slirp's sockets, routed by the host"],
    "routed": ["#009E73", 2.5, "2 4", "IP forwarding inside the machine"],
  };
  const FACT_NAMES = {rule: "iptables rule", route: "route", port: "port", mac: "MAC",
    chain: "chain", table: "table", target: "target", policy: "chain policy",
    manip: "rewrites", from: "from", to: "to", proto: "protocol", port_from: "id/port before",
    port_to: "id/port after", reply_to: "reply to frame", peer: "peer", out: "out of",
    via: "next hop", delay: "on the cable for", entry: "conntrack entry", bridge: "bridge",
    moved_from: "moved from", direction: "direction", related: "ICMP error",
    dev: "device", bridged: "bridged frame", count: "entries", all: "all entries",
    limit: "limit", state: "state", port_no: "port number"};

  const spanNs = N ? STEPS[N - 1][F.t] : 0;
  const inMs = spanNs < 1e9;
  function fmtTime(ns) {
    return inMs ? "+" + (ns / 1e6).toFixed(3) + " ms" : "+" + (ns / 1e9).toFixed(6) + " s";
  }
  function absTime(ns) { return (D.t0 + ns / 1e9).toFixed(6) + " s"; }
  const frameIndex = new Map(D.frames.map((f, i) => [f[0], i]));
  const str = (k, field) => S[STEPS[k][F[field]]];
  const packets = new Map();
  function packet(pk) {   // {summary, hex, layers: [{n, s, e, f: [[field, value]]}]}
    let p = packets.get(pk);
    if (!p) {
      const [summary, hex, layers] = D.packets[pk];
      p = {summary: S[summary], hex, layers: layers.map(([n, st, e, f]) =>
        ({n: S[n], s: st, e, f: f.map(([a, b]) => [S[a], S[b]])}))};
      packets.set(pk, p);
    }
    return p;
  }

  // ------------------------------------------------------------------ DOM helpers
  function h(tag, attrs, parent, text) {
    const e = document.createElement(tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function s(tag, attrs, parent, text) {
    const e = document.createElementNS(SVGNS, tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function frameColour(fid) { return FRAME_COLOURS[(frameIndex.get(fid) || 0) % FRAME_COLOURS.length]; }
  function frameGlyph(fid) { return FRAME_GLYPHS[(frameIndex.get(fid) || 0) % FRAME_GLYPHS.length]; }
  function frameShape(fid) { return FRAME_SHAPES[(frameIndex.get(fid) || 0) % FRAME_SHAPES.length]; }

  function shape(kind, cx, cy, r, attrs, parent) {
    const pts = (n, rot) => Array.from({length: n}, (_, i) => {
      const a = rot + i * 2 * Math.PI / n;
      return (cx + r * Math.cos(a)).toFixed(1) + "," + (cy + r * Math.sin(a)).toFixed(1);
    }).join(" ");
    let e;
    if (kind === "circle") e = s("circle", {cx, cy, r}, parent);
    else if (kind === "square") e = s("rect", {x: cx - r * 0.85, y: cy - r * 0.85, width: r * 1.7, height: r * 1.7}, parent);
    else if (kind === "diamond") e = s("polygon", {points: pts(4, -Math.PI / 2)}, parent);
    else if (kind === "triangle") e = s("polygon", {points: pts(3, -Math.PI / 2)}, parent);
    else if (kind === "down") e = s("polygon", {points: pts(3, Math.PI / 2)}, parent);
    else if (kind === "pentagon") e = s("polygon", {points: pts(5, -Math.PI / 2)}, parent);
    else if (kind === "hexagon") e = s("polygon", {points: pts(6, 0)}, parent);
    else if (kind === "octagon") e = s("polygon", {points: pts(8, Math.PI / 8)}, parent);
    else {  // star
      const p = [];
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r;
        p.push((cx + rr * Math.cos(a)).toFixed(1) + "," + (cy + rr * Math.sin(a)).toFixed(1));
      }
      e = s("polygon", {points: p.join(" ")}, parent);
    }
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  // Text that must fit: shortened with an ellipsis (the whole text in a tooltip).
  function fit(t, width) {
    if (!(width > 0) || t.getComputedTextLength() <= width) return true;
    const full = t.textContent;
    let lo = 0, hi = full.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      t.textContent = full.slice(0, mid) + "\u2026";
      if (t.getComputedTextLength() <= width) lo = mid; else hi = mid - 1;
    }
    t.textContent = full.slice(0, lo) + "\u2026";
    s("title", null, t, full);
    return false;
  }

  // ------------------------------------------------------------------ the page
  clear(root);
  const top = h("header", {class: "nsp-top"}, root);
  h("h1", {class: "nsp-title"}, top, D.title);
  h("p", {class: "nsp-help"}, top, "One step is one thing the kernel did to a frame. Solid yellow "
    + "with a black edge: where this step happens; dashed: the frame's other copies (a flood); "
    + "the dashed arrow: where the frame came from.");
  const bar = h("div", {class: "nsp-controls", role: "toolbar", "aria-label": "step through the journey"}, top);
  const bFirst = h("button", {type: "button", title: "First step"}, bar, "First");
  const bPrev = h("button", {type: "button", title: "Previous step"}, bar, "\u25C0 Back");
  const bPlay = h("button", {type: "button", title: "Play", class: "nsp-play"}, bar, "\u25B6 Play");
  const bNext = h("button", {type: "button", title: "Next step"}, bar, "Next \u25B6");
  const bLast = h("button", {type: "button", title: "Last step"}, bar, "Last");
  const speedLabel = h("label", {class: "nsp-speed"}, bar, "speed ");
  const speed = h("select", {title: "Playing speed"}, speedLabel);
  for (const v of [0.25, 0.5, 1, 2, 4, 8]) {
    const o = h("option", {value: String(v)}, speed, v + "\u00D7");
    if (v === 1) o.selected = true;
  }
  const counter = h("span", {class: "nsp-counter", "aria-live": "polite"}, bar);
  h("span", {class: "nsp-keys"}, bar, "keys: \u2190 \u2192 step, space play/pause");
  const caption = h("div", {class: "nsp-caption"}, top);

  const views = h("section", {class: "nsp-views"}, root);
  const insideFig = h("figure", {class: "nsp-view"}, views);
  const insideCap = h("figcaption", null, insideFig);
  const insideTitle = h("span", {class: "nsp-view-title"}, insideCap, "Inside");
  const pickLabel = h("label", {class: "nsp-pick"}, insideCap, "show ");
  const insidePick = h("select", {title: "Which host to look inside"}, pickLabel);
  h("option", {value: "follow"}, insidePick, "the host the frame is in");
  D.inside.forEach((L, i) => h("option", {value: String(i)}, insidePick, "always " + L.host));
  const insideNote = h("div", {class: "nsp-view-note"}, insideCap);
  const insideWrap = h("div", {class: "nsp-svgwrap"}, insideFig);
  const topoFig = h("figure", {class: "nsp-view"}, views);
  const topoCap = h("figcaption", null, topoFig);
  h("span", {class: "nsp-view-title"}, topoCap, "The lab: machines, devices, cables");
  const topoWrap = h("div", {class: "nsp-svgwrap"}, topoFig);
  const legend = h("div", {class: "nsp-legend"}, topoFig);

  const lower = h("section", {class: "nsp-lower"}, root);
  const events = h("div", {class: "nsp-events"}, lower);
  h("h2", null, events, "Events");
  const filters = h("div", {class: "nsp-filters"}, events);
  const listBox = h("div", {class: "nsp-list", tabindex: "0", "aria-label": "events, one per step"}, events);
  const rows = h("ol", {class: "nsp-rows"}, listBox);
  const shownCount = h("div", {class: "nsp-shown"}, events);
  const inspect = h("div", {class: "nsp-inspect"}, lower);

  // ------------------------------------------------------------------ filters
  const want = {frame: "", host: "", layer: "", action: ""};
  let visible = [];                       // step numbers shown, in order
  let rank = new Int32Array(N).fill(-1);  // step -> its row among the shown ones
  function counted(field) {
    const c = new Map();
    for (let k = 0; k < N; k++) {
      const v = field === "frame" ? String(STEPS[k][F.frame]) : str(k, field);
      c.set(v, (c.get(v) || 0) + 1);
    }
    return c;
  }
  function addFilter(field, label, describe) {
    const wrap = h("label", null, filters, label + " ");
    const sel = h("select", {"data-filter": field, title: "Show only the events of one " + field}, wrap);
    h("option", {value: ""}, sel, "all");
    for (const [v, n] of counted(field)) h("option", {value: v}, sel, describe(v) + " (" + n + ")");
    sel.addEventListener("change", () => { want[field] = sel.value; applyFilters(); });
    return sel;
  }
  const frameSummary = new Map(D.frames.map((f) => [String(f[0]), f[1]]));
  addFilter("frame", "frame", (v) => {
    const sm = frameSummary.get(v) || "";
    return "#" + v + (sm ? " " + shortSummary(sm) : "");
  });
  addFilter("host", "host", (v) => v);
  addFilter("layer", "layer", (v) => v);
  addFilter("action", "action", (v) => v === "drop" ? "drop (only drops)" : v);
  const reset = h("button", {type: "button", title: "Show every event"}, filters, "show all");
  reset.addEventListener("click", () => {
    for (const sel of filters.querySelectorAll("select")) sel.value = "";
    for (const k of Object.keys(want)) want[k] = "";
    applyFilters();
  });

  function shortSummary(sm) {
    const t = sm.replace(/^[0-9a-f:]{17} > [0-9a-f:]{17}, /, "").replace(/, length \d+$/, "");
    return t.length > 48 ? t.slice(0, 47) + "\u2026" : t;
  }
  function matches(k) {
    const st = STEPS[k];
    return (!want.frame || String(st[F.frame]) === want.frame)
      && (!want.host || S[st[F.host]] === want.host)
      && (!want.layer || S[st[F.layer]] === want.layer)
      && (!want.action || S[st[F.action]] === want.action);
  }
  function applyFilters() {
    visible = [];
    rank = new Int32Array(N).fill(-1);
    for (let k = 0; k < N; k++) if (matches(k)) { rank[k] = visible.length; visible.push(k); }
    rows.style.height = (visible.length * ROW_H) + "px";
    shownCount.textContent = visible.length === N ? N + " events"
      : visible.length + " of " + N + " events shown (filtered)";
    if (visible.length && rank[cur] < 0) {
      const next = visible.find((k) => k > cur);
      go(next !== undefined ? next : visible[visible.length - 1]);
    } else {
      renderRows(true);
      updateButtons();
    }
  }

  // ------------------------------------------------------------------ the event list
  function renderRows(scrollToCurrent) {
    if (scrollToCurrent && rank[cur] >= 0) {
      const y = rank[cur] * ROW_H, view = listBox.clientHeight || 8 * ROW_H;
      if (y < listBox.scrollTop) listBox.scrollTop = y;
      else if (y + ROW_H > listBox.scrollTop + view) listBox.scrollTop = y + ROW_H - view;
    }
    const view = listBox.clientHeight || 8 * ROW_H;
    const first = Math.max(0, Math.floor(listBox.scrollTop / ROW_H) - 4);
    const last = Math.min(visible.length, Math.ceil((listBox.scrollTop + view) / ROW_H) + 4);
    clear(rows);
    for (let r = first; r < last; r++) rows.appendChild(row(visible[r], r));
  }
  function row(k, r) {
    const st = STEPS[k];
    const fid = st[F.frame], action = S[st[F.action]];
    const li = h("li", {"data-step": String(k), class: "nsp-row nsp-act-" + action.replace(/[^a-z-]/g, "")});
    li.style.top = (r * ROW_H) + "px";
    if (k === cur) li.setAttribute("aria-current", "step");
    const line = h("div", {class: "nsp-row-1"}, li);
    h("span", {class: "nsp-time"}, line, fmtTime(st[F.t]));
    const chip = h("span", {class: "nsp-chip"}, line, frameGlyph(fid) + " #" + fid);
    chip.style.color = frameColour(fid);
    h("span", {class: "nsp-place"}, line, S[st[F.place]] || S[st[F.host]]);
    badge(line, S[st[F.layer]], action);
    h("span", {class: "nsp-func"}, line, S[st[F.func]]);
    h("div", {class: "nsp-row-2", title: S[st[F.reason]]}, li, S[st[F.reason]]);
    li.addEventListener("click", () => { stop(); go(k); });
    return li;
  }
  function badge(parent, layer, action) {
    const icon = ACTION_ICONS[action];
    return h("span", {class: "nsp-badge nsp-badge-" + action.replace(/[^a-z-]/g, "")}, parent,
      layer + " \u00B7 " + (icon ? icon + " " : "") + action);
  }
  listBox.addEventListener("scroll", () => requestAnimationFrame(() => renderRows(false)));

  // ------------------------------------------------------------------ the inside picture
  const insideSvgs = new Map();
  function overlaps(a, b) {
    return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  }
  function area(a, b) {
    const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    const hh = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    return w > 0 && hh > 0 ? w * hh : 0;
  }
  // Words of ``text`` in lines no wider than ``width`` (long words stay whole).
  function wrapLines(parent, attrs, cls, text, width) {
    const probe = s("text", Object.assign({class: cls}, attrs), parent, "");
    const out = [];
    let line = "";
    for (const word of text.split(" ")) {
      const next = line ? line + " " + word : word;
      probe.textContent = next;
      if (line && probe.getComputedTextLength() > width) { out.push(line); line = word; }
      else line = next;
    }
    if (line) out.push(line);
    probe.remove();
    return out;
  }
  function buildInside(i) {
    const L = D.inside[i];
    const avail = (root.clientWidth || 900) - 2 * PAD - 4;
    const SX = Math.max(INSIDE_X, Math.min(72, avail / L.w));
    const W = L.w * SX + 2 * PAD, H = L.h * INSIDE_Y + 2 * PAD;
    const X = (x) => PAD + x * SX, Y = (y) => PAD + (L.h - y) * INSIDE_Y;
    const svg = s("svg", {width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img",
      class: "nsp-svg"});
    s("title", null, svg, "inside " + L.host + ": user space, kernel, wire");
    // In the picture's order: layers, lines, the IP stack, paths through it, the other
    // boxes (netfilter's over the path that crosses it), then every text.
    const gLayers = s("g", null, svg), gLines = s("g", null, svg), gIp = s("g", null, svg);
    const gPaths = s("g", null, svg), gBoxes = s("g", null, svg);
    const gText = s("g", null, svg), gFdb = s("g", {class: "nsp-fdb"}, svg);
    const gOver = s("g", null, svg);
    insideWrap.appendChild(svg);   // in the page, so text can be measured
    const boxes = L.boxes.map((b) => ({x: b[0], y: b[1], w: b[2], h: b[3], label: b[4],
      colour: b[5], kind: b[6], va: b[7]}));
    for (const b of boxes) {
      b.rect = s("rect", {x: X(b.x), y: Y(b.y + b.h), width: b.w * SX, height: b.h * INSIDE_Y,
        rx: b.kind === "layer" ? 0 : 5, fill: b.colour,
        stroke: b.kind === "layer" ? "none" : "#555", "stroke-width": 1},
        b.kind === "layer" ? gLayers : b.kind === "ip" ? gIp : gBoxes);
      b.px = {x: X(b.x), y: Y(b.y + b.h), width: b.w * SX, height: b.h * INSIDE_Y};
    }
    for (const [x0, y0, x1, y1, colour] of L.lines) {
      s("line", {x1: X(x0), y1: Y(y0), x2: X(x1), y2: Y(y1), stroke: colour, "stroke-width": 1.5}, gLines);
    }
    for (const [pts, colour, kind, style, label, at, va] of L.paths) {
      const dash = style === ":" ? "2 4" : style === "--" ? "7 4" : "";
      s("polyline", {points: pts.map(([x, y]) => X(x) + "," + Y(y)).join(" "), fill: "none",
        stroke: colour, "stroke-width": kind === "routed" || kind === "closed" ? 2.5 : 1.8,
        "stroke-dasharray": dash}, gPaths);
      const [ex, ey] = pts[pts.length - 1];
      if (kind === "routed") arrowHead(gPaths, pts[pts.length - 2], pts[pts.length - 1], colour, X, Y);
      if (kind === "closed") cross(gPaths, X(ex), Y(ey), 8, colour);
      if (label && at) {
        const lines = label.split("\n");
        lines.forEach((ln, j) => {
          const dy = va === "top" ? (j + 1) * 13 : kind === "sockets"
            ? (j - (lines.length - 1) / 2) * 13 + 4 : -(lines.length - 1 - j) * 13 - 3;
          const t = s("text", {x: X(at[0]), y: Y(at[1]) + dy, "text-anchor": "end",
            class: "nsp-pathlabel", fill: colour}, gText, ln);
          fit(t, (at[0] - 0.2) * SX);
        });
      }
    }
    for (const b of boxes) {
      if (!b.label) continue;
      const big = b.kind === "bridge";
      if (b.va === "top") {
        // Top-left, wrapped by words while the lines stay above any box inside this one.
        const inner = boxes.filter((c) => c !== b && c.kind !== "layer" && c.x >= b.x && c.x + c.w <= b.x + b.w
          && c.y >= b.y && c.y + c.h <= b.y + b.h);
        const floor = inner.length ? Math.min(...inner.map((c) => Y(c.y + c.h))) : Y(b.y);
        const room = Math.max(1, Math.floor((floor - Y(b.y + b.h) - 4) / 14));
        const width = b.w * SX - 14;
        let lines = [];
        b.label.split("\n").forEach((ln, j) => {
          const cls = big && j === 0 ? "nsp-boxhead" : "nsp-boxlabel";
          for (const part of wrapLines(gText, {}, cls, ln, width)) lines.push([part, cls]);
        });
        if (lines.length > room) {   // no room to wrap: one line per label line, shortened
          lines = b.label.split("\n").map((ln, j) => [ln, big && j === 0 ? "nsp-boxhead" : "nsp-boxlabel"]);
        }
        lines.forEach(([ln, cls], j) => {
          const t = s("text", {x: X(b.x) + 7, y: Y(b.y + b.h) + 15 + j * 14, class: cls}, gText, ln);
          fit(t, width);
        });
      } else {
        const lines = b.label.split("\n");
        lines.forEach((ln, j) => {
          const t = s("text", {x: X(b.x + b.w / 2), "text-anchor": "middle",
            y: Y(b.y + b.h / 2) + 4 + (j - (lines.length - 1) / 2) * 13, class: "nsp-boxlabel"}, gText, ln);
          fit(t, b.w * SX - 10);
        });
      }
    }
    for (const [x, y, text, size, ha] of L.notes) {
      const owner = smallestBox(boxes, x + (ha === "right" ? -0.05 : 0.05), y - 0.05);
      const room = owner ? (ha === "right" ? x - owner.x : owner.x + owner.w - x) : 2.6;
      text.split("\n").forEach((ln, j) => {
        const t = s("text", {x: X(x), y: Y(y) + 12 + j * 13, "text-anchor": ha === "right" ? "end" : "start",
          class: size > 8 ? "nsp-layertitle" : "nsp-note"}, gText, ln);
        fit(t, room * SX - 6);
        // Bigger than the picture's 7 pt: a note that now runs into a box sits above it.
        const bb = t.getBBox();
        for (const c of boxes) {
          if (c === owner || c.kind === "layer" || !overlaps(bb, c.px)) continue;
          const up = bb.y + bb.height - c.px.y + 2;
          if (up > 0 && up < bb.height) t.setAttribute("y", Number(t.getAttribute("y")) - up);
        }
      });
    }
    // At 11 px some labels meet that did not at the picture's 7 pt: a path's label moves
    // up off the others (it stays above its line), any other text moves down.
    const all = [...gText.querySelectorAll("text")];
    const order = all.filter((t) => !t.classList.contains("nsp-pathlabel"))
      .concat(all.filter((t) => t.classList.contains("nsp-pathlabel")));
    const taken = [];
    for (const t of order) {
      let bb = t.getBBox();
      for (let tries = 0; tries < 4; tries++) {
        const hit = taken.find((b) => area(bb, b) > 4 && Math.min(bb.y + bb.height, b.y + b.height) - Math.max(bb.y, b.y) > 2);
        if (!hit) break;
        const dy = t.classList.contains("nsp-pathlabel") ? hit.y - (bb.y + bb.height) - 1
          : hit.y + hit.height - bb.y + 1;
        t.setAttribute("y", Number(t.getAttribute("y")) + dy);
        bb = t.getBBox();
      }
      taken.push(bb);
    }
    const v = {svg, L, X, Y, SX, boxes, gFdb, gOver, taken, lit: []};
    insideSvgs.set(i, v);
    return v;
  }
  function smallestBox(boxes, x, y) {
    let best = null;
    for (const b of boxes) {
      if (b.kind === "layer") continue;
      if (b.x - 0.01 <= x && x <= b.x + b.w + 0.01 && b.y - 0.01 <= y && y <= b.y + b.h + 0.01) {
        if (!best || b.w * b.h < best.w * best.h) best = b;
      }
    }
    return best;
  }
  function arrowHead(g, from, to, colour, X, Y) {
    const x1 = X(to[0]), y1 = Y(to[1]), x0 = X(from[0]), y0 = Y(from[1]);
    const a = Math.atan2(y1 - y0, x1 - x0), l = 10;
    const p = [[x1, y1], [x1 - l * Math.cos(a - 0.45), y1 - l * Math.sin(a - 0.45)],
      [x1 - l * Math.cos(a + 0.45), y1 - l * Math.sin(a + 0.45)]];
    s("polygon", {points: p.map((q) => q[0].toFixed(1) + "," + q[1].toFixed(1)).join(" "), fill: colour}, g);
  }
  // Where the copy came from: a dashed arrow that stops short of the marker.
  function trail(g, x0, y0, x1, y1) {
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (len < 30) return null;
    const f = (len - 14) / len, ex = x0 + (x1 - x0) * f, ey = y0 + (y1 - y0) * f;
    s("line", {x1: x0, y1: y0, x2: ex, y2: ey, class: "nsp-trail"}, g);
    arrowHead(g, [x0, y0], [ex, ey], "#000", (x) => x, (y) => y);
    const f2 = (len - 40) / len, mx = x0 + (x1 - x0) * f2, my = y0 + (y1 - y0) * f2;
    return {x: Math.min(mx, ex) - 4, y: Math.min(my, ey) - 4, width: Math.abs(ex - mx) + 8,
      height: Math.abs(ey - my) + 8};
  }
  function cross(g, x, y, r, colour, width) {
    s("path", {d: "M" + (x - r) + " " + (y - r) + "L" + (x + r) + " " + (y + r) + "M" + (x - r) + " " + (y + r)
      + "L" + (x + r) + " " + (y - r), stroke: colour, "stroke-width": width || 3.5, "stroke-linecap": "round"}, g);
  }
  function marker(g, x, y, fid, dead, hollow) {
    if (dead) {
      s("circle", {cx: x, cy: y, r: 12, fill: "#fff", stroke: "#000", "stroke-width": 2}, g);
      cross(g, x, y, 7, "#000", 3.5);
      return;
    }
    const m = shape(frameShape(fid), x, y, hollow ? 8 : 10, hollow
      ? {fill: "#fff", stroke: frameColour(fid), "stroke-width": 3, "stroke-dasharray": "3 2"}
      : {fill: frameColour(fid), stroke: "#fff", "stroke-width": 2.5}, g);
    m.setAttribute("class", hollow ? "nsp-copy" : "nsp-marker");
  }
  // A label beside the marker, on the side where it covers the least text.
  function tag(g, x, y, text, svgW, taken) {
    const t = s("text", {x: 0, y: 0, class: "nsp-tag"}, g, text);
    const w = t.getComputedTextLength() + 8, hh = 18;
    let best = null;
    for (const [dx, dy] of [[16, -26], [-16 - w, -26], [16, 10], [-16 - w, 10], [-w / 2, -40], [-w / 2, 18]]) {
      const r = {x: x + dx, y: y + dy, width: w, height: hh};
      if (r.x < 0 || r.x + w > svgW || r.y < 0) continue;
      const cost = taken.reduce((sum, b) => sum + area(r, b), 0);
      if (!best || cost < best.cost) best = {r, cost};
    }
    const r = best ? best.r : {x: x + 16, y: y - 26, width: w, height: hh};
    t.setAttribute("x", r.x + 4);
    t.setAttribute("y", r.y + 13);
    g.insertBefore(s("rect", {x: r.x, y: r.y, width: w, height: hh, rx: 4, class: "nsp-tagbox"}), t);
  }
  function copyRef(ref) {   // a copy: the step that last moved it, or [place, topology key]
    if (typeof ref === "number") return here(ref);
    const place = S[ref[0]];
    return {spot: place, place, host: place.split(":")[0], topo: S[ref[1]]};
  }
  function insideKey(L, where) {   // the first of the step's names the picture places
    return [where.spot, where.place, where.host].find((key) => key in L.pos);
  }
  function insidePos(L, where, boxes) {
    // On a cable into this picture's host: on the wire, right under the NIC it reaches.
    if (where.to && where.to.split(":")[0] === L.host && L.pos[where.to] && L.pos[L.host] && boxes) {
      const nic = smallestBox(boxes, L.pos[where.to][0], L.pos[where.to][1]);
      if (nic) return [nic.x + nic.w / 2, L.pos[L.host][1]];
    }
    const key = insideKey(L, where);
    return key === undefined ? null : L.pos[key];
  }
  function here(k) {
    const st = STEPS[k];
    const to = st[F.facts] >= 0 && S[st[F.place]] === S[st[F.host]] ? D.facts[st[F.facts]].to : undefined;
    return {spot: S[st[F.spot]], place: S[st[F.place]], host: S[st[F.host]], topo: S[st[F.topo]],
      to: typeof to === "string" ? to : undefined};
  }
  function light(v, b, copy) {   // the box itself turns yellow: what is inside it stays seen
    if (!b || v.lit.includes(b)) return;
    b.rect.setAttribute("class", copy ? "nsp-litbox-copy" : "nsp-litbox");
    b.rect.style.fill = copy ? "#FAF3B0" : "#F0E442";
    v.lit.push(b);
  }

  function unlight(v) {
    for (const b of v.lit) { b.rect.removeAttribute("class"); b.rect.style.fill = ""; }
    v.lit = [];
    clear(v.gOver);
  }

  let shownInside = -1;
  function drawInside(k) {
    const st = STEPS[k];
    const pick = insidePick.value;
    const i = pick === "follow" ? Math.max(0, st[F.inside]) : Number(pick);
    let v = insideSvgs.get(i);
    if (shownInside !== i) {
      for (const other of insideSvgs.values()) {   // hidden, and nothing lit left in it
        other.svg.style.display = "none";
        unlight(other);
      }
      if (!v) v = buildInside(i);
      v.svg.style.display = "";
      shownInside = i;
    }
    insideTitle.textContent = "Inside " + v.L.host;
    const {L, X, Y, boxes, gOver} = v;
    unlight(v);
    drawFdbInside(v, k);
    const fid = st[F.frame], action = S[st[F.action]];
    const at = insidePos(L, here(k), boxes);
    insideFig.setAttribute("data-lit", at ? insideKey(L, here(k)) : "");
    const W = Number(v.svg.getAttribute("width"));
    insideNote.textContent = at ? "" : "this step is at " + (S[st[F.place]] || S[st[F.host]])
      + ", outside this picture";
    if (at) light(v, smallestBox(boxes, at[0], at[1]), false);
    const copies = (st[F.copies] || []).map(copyRef);
    for (const c of copies) {
      const p = insidePos(L, c, boxes);
      if (!p) continue;
      if (action === "flood" && at) {
        s("line", {x1: X(at[0]), y1: Y(at[1]), x2: X(p[0]), y2: Y(p[1]), class: "nsp-branch"}, gOver);
      }
      light(v, smallestBox(boxes, p[0], p[1]), true);
      marker(gOver, X(p[0]), Y(p[1]), fid, false, true);
    }
    if (!at) return;
    const prev = st[F.from];
    let arrow = null;
    if (prev >= 0) {
      const p = insidePos(L, here(prev), boxes);
      if (p && (p[0] !== at[0] || p[1] !== at[1])) arrow = trail(gOver, X(p[0]), Y(p[1]), X(at[0]), Y(at[1]));
    }
    const dead = action === "drop" || action === "reject";
    marker(gOver, X(at[0]), Y(at[1]), fid, dead);
    let label = "#" + fid + (dead ? " \u2715 " + action : "");
    if (action === "flood") label += " \u21F6 " + copies.length + " cop" + (copies.length === 1 ? "y" : "ies");
    tag(gOver, X(at[0]), Y(at[1]), label, W, arrow ? v.taken.concat([arrow, arrow, arrow]) : v.taken);
  }
  // ------------------------------------------------------------------ bridge tables
  const bridgeIndex = new Map(D.bridges.map((b, i) => [b.host + "\u0000" + b.name, i]));
  function fdbAt(bi, k) {
    const B = D.bridges[bi], ti = STEPS[k][F.trace];
    const table = new Map(B.initial.map(([mac, port]) => [mac, {port, kind: "learned", since: null}]));
    for (const [index, kind, mac, port, , time] of B.events) {
      if (ti >= 0 && index > ti) break;
      if (kind === "learned" || kind === "moved") table.set(mac, {port, kind: kind, since: time});
      else if (kind === "aged out") table.delete(mac);
      else if (kind === "flushed") for (const [m, e] of table) if (e.port === port) table.delete(m);
    }
    for (const [mac, port] of B.static) table.set(mac, {port, kind: "static", since: null});
    return table;
  }
  function drawFdbInside(v, k) {
    clear(v.gFdb);
    const {L, X, Y} = v;
    const st = STEPS[k];
    const facts = st[F.facts] >= 0 ? D.facts[st[F.facts]] : {};
    for (const [name, x, y, w] of L.fdb) {
      const bi = bridgeIndex.get(L.host + "\u0000" + name);
      if (bi === undefined) continue;
      const table = fdbAt(bi, k);
      const lines = ["FDB (MAC \u2192 port)"];
      const decided = st[F.bridge] === bi ? facts.mac : undefined;
      const entries = [...table.entries()];
      for (const [mac, e] of entries.slice(0, 3)) lines.push([mac, e.port, mac === decided]);
      if (entries.length > 3) lines.push("(+" + (entries.length - 3) + " more)");
      if (!entries.length) lines.push("(nothing learned yet)");
      lines.forEach((ln, j) => {
        const yy = Y(y) + 12 + j * 13;
        if (typeof ln === "string") {
          fit(s("text", {x: X(x), y: yy, class: j ? "nsp-note" : "nsp-fdbhead"}, v.gFdb, ln), w * v.SX);
          return;
        }
        const [mac, port, hit] = ln;
        const t = s("text", {x: X(x), y: yy, class: hit ? "nsp-fdbrow nsp-hit" : "nsp-fdbrow"}, v.gFdb,
          (hit ? "\u25B6 " : "") + mac + " \u2192 " + port);
        if (!fit(t, w * v.SX)) {
          t.textContent = (hit ? "\u25B6 " : "") + "\u2026" + mac.slice(-8) + " \u2192 " + port;
          fit(t, w * v.SX);
        }
      });
    }
  }

  // ------------------------------------------------------------------ the lab picture
  const T = D.topology;
  const [txmin, txmax, tymin, tymax] = T.extent;
  // As wide as the page allows, but never so small that a device's name has no room.
  const TOPO_S = Math.max(44, Math.min(TOPO, ((root.clientWidth || 900) - 2 * PAD - 24) / (txmax - txmin + 0.6)));
  const TW = (txmax - txmin + 0.6) * TOPO_S + 2 * PAD, TH = (tymax - tymin + 0.6) * TOPO_S + 2 * PAD;
  const TX = (x) => PAD + (x - txmin + 0.3) * TOPO_S, TY = (y) => PAD + (tymax + 0.3 - y) * TOPO_S;
  const LABEL_DX = 19;   // a label starts clear of its device's highlight ring
  const topoSvg = s("svg", {width: TW, height: TH, viewBox: "0 0 " + TW + " " + TH, role: "img",
    class: "nsp-svg"});
  s("title", null, topoSvg, "the lab: machines, their devices and the links between them");
  topoWrap.appendChild(topoSvg);
  const tBoxes = s("g", null, topoSvg), tHi = s("g", null, topoSvg), tEdges = s("g", null, topoSvg);
  const tNodes = s("g", null, topoSvg), tText = s("g", null, topoSvg), tOver = s("g", null, topoSvg);
  function buildTopology() {
    const taken = [];   // what labels must not cover: titles, markers, labels placed
    for (const [m, [x, y, w, hh, kind, note]] of Object.entries(T.boxes)) {
      const vm = kind === "vm";
      s("rect", {x: TX(x), y: TY(y + hh), width: w * TOPO_S, height: hh * TOPO_S, rx: 12,
        fill: vm ? "#F3EFFA" : "#F2F5F9", stroke: vm ? "#6A5A9A" : "#5A6B7F", "stroke-width": 1.5}, tBoxes);
      const t = s("text", {x: TX(x) + 8, y: TY(y + hh) + 17, class: "nsp-machine"}, tText,
        (vm ? "VM " : "") + m);
      fit(t, w * TOPO_S - 30);
      taken.push(t.getBBox());
      if (note) {   // what the machine does between its networks: after its name, or under it
        const nx = TX(x) + 8 + t.getComputedTextLength() + 8;
        const n = s("text", {x: nx, y: TY(y + hh) + 17, class: "nsp-routenote"}, tText, note);
        if (n.getComputedTextLength() > TX(x + w) - nx - 26) {
          n.setAttribute("x", TX(x) + 8);
          n.setAttribute("y", TY(y + hh) + 31);
          fit(n, w * TOPO_S - 16);
        }
        taken.push(n.getBBox());
      }
    }
    for (const [kind, , , pts] of T.edges) {
      const st = EDGE_STYLE[kind] || ["#999", 1, "", kind];
      s("polyline", {points: pts.map(([x, y]) => TX(x) + "," + TY(y)).join(" "), fill: "none",
        stroke: st[0], "stroke-width": st[1], "stroke-dasharray": st[2], "stroke-linejoin": "round"}, tEdges);
    }
    const nodes = Object.entries(T.nodes);
    for (const [n, [x, y, kind, name, ips, mac, state]] of nodes) {
      const st = NODE_STYLE[kind] || ["circle", "#999", kind];
      const small = kind === "loopback";
      const e = shape(st[0], TX(x), TY(y), small ? 6 : 10, {fill: st[1], stroke: "#fff", "stroke-width": 1.5}, tNodes);
      s("title", null, e, n + " (" + kind + ")" + (ips.length ? " " + ips.join(" ") : "") + (mac ? " " + mac : "")
        + " " + state);
      taken.push({x: TX(x) - 11, y: TY(y) - 11, width: 22, height: 22});
    }
    // Labels right of their device (a NIC's above-right: its cable leaves level), as far as
    // the next device on the row or the next machine's box; a line that would cover
    // something already drawn is left out (the device's tooltip has everything).
    const boxes = Object.values(T.boxes);
    const place = (n, lines) => {
      const [x, y, kind, , , , state] = T.nodes[n];
      let limit = txmax + 0.3;
      for (const [m, [x2, y2]] of nodes) if (m !== n && Math.abs(y2 - y) < 0.3 && x2 > x && x2 < limit) limit = x2;
      for (const [bx, by, , bh] of boxes) if (bx > x && by <= y && y <= by + bh && bx < limit) limit = bx;
      const room = (limit - x) * TOPO_S - LABEL_DX - 8;
      const nic = kind === "nic";
      const y0 = nic ? TY(y) - 7 - (lines.length - 1) * 13 : TY(y) + 4 - (lines.length - 1) * 6.5;
      const made = [];
      for (const [j, ln] of lines.entries()) {
        const t = s("text", {x: TX(x) + LABEL_DX, y: y0 + j * 13,
          class: j ? "nsp-ip" : state === "DOWN" ? "nsp-dev nsp-down" : "nsp-dev"}, tText, ln);
        const whole = fit(t, room);
        const bb = t.getBBox();
        if ((j && !whole) || taken.some((b) => overlaps(bb, b))) { t.remove(); if (!j) return false; break; }
        made.push(bb);
      }
      taken.push(...made);
      return true;
    };
    for (const [n, [, , kind, name, ips]] of nodes) {
      if (kind === "loopback") continue;
      if (!place(n, [name, ...ips])) place(n, [name]);
    }
    const seen = new Set(Object.values(T.nodes).map((v) => v[2]));
    for (const [kind, [shp, fill, text]] of Object.entries(NODE_STYLE)) {
      if (!seen.has(kind)) continue;
      const item = h("span", {class: "nsp-legend-item"}, legend);
      const sv = s("svg", {width: 20, height: 20, "aria-hidden": "true"}, item);
      shape(shp, 10, 10, kind === "loopback" ? 6 : 8, {fill, stroke: "#fff"}, sv);
      item.appendChild(document.createTextNode(text));
    }
    const kinds = new Set(T.edges.map((e) => e[0]));
    for (const [kind, [colour, width, dash, text]] of Object.entries(EDGE_STYLE)) {
      if (!kinds.has(kind)) continue;
      const item = h("span", {class: "nsp-legend-item"}, legend);
      const sv = s("svg", {width: 28, height: 20, "aria-hidden": "true"}, item);
      s("line", {x1: 2, y1: 10, x2: 26, y2: 10, stroke: colour, "stroke-width": width, "stroke-dasharray": dash}, sv);
      item.appendChild(document.createTextNode(text));
    }
    const item = h("span", {class: "nsp-legend-item"}, legend);
    const sv = s("svg", {width: 28, height: 20, "aria-hidden": "true"}, item);
    s("rect", {x: 2, y: 3, width: 24, height: 14, rx: 3, class: "nsp-lit"}, sv);
    item.appendChild(document.createTextNode("where this step happens (dashed: the frame's other copies)"));
  }
  function topoPoint(key) {   // where a topology key is, and what to light
    if (!key) return null;
    const kind = key.slice(0, 2), name = key.slice(2);
    if (kind === "n:" && T.nodes[name]) return {x: T.nodes[name][0], y: T.nodes[name][1], node: name};
    if (kind === "e:" && T.edges[Number(name)]) {   // a cable or qemu's line: its middle
      const pts = T.edges[Number(name)][3];
      const seg = pts.slice(1).map((p, i) => Math.hypot(p[0] - pts[i][0], p[1] - pts[i][1]));
      const half = seg.reduce((a, b) => a + b, 0) / 2;
      let i = 0, acc = 0;
      while (i < seg.length - 1 && acc + seg[i] < half) acc += seg[i++];
      const f = seg[i] ? (half - acc) / seg[i] : 0;
      return {x: pts[i][0] + f * (pts[i + 1][0] - pts[i][0]), y: pts[i][1] + f * (pts[i + 1][1] - pts[i][1]),
        edge: Number(name)};
    }
    if (kind === "m:" && T.boxes[name]) {
      const [x, y, w, hh] = T.boxes[name];
      return {x: x + w / 2, y: y + hh / 2, box: name};
    }
    return null;
  }
  function lightTopo(p, g, copy) {
    if (p.node) {
      s("circle", {cx: TX(p.x), cy: TY(p.y), r: copy ? 14 : 16, class: copy ? "nsp-lit-copy" : "nsp-lit"}, g);
    } else if (p.edge !== undefined) {
      s("polyline", {points: T.edges[p.edge][3].map(([x, y]) => TX(x) + "," + TY(y)).join(" "),
        class: copy ? "nsp-lit-edge nsp-copyedge" : "nsp-lit-edge"}, g);
    } else if (p.box) {
      const [x, y, w, hh] = T.boxes[p.box];
      s("rect", {x: TX(x), y: TY(y + hh), width: w * TOPO_S, height: hh * TOPO_S, rx: 12,
        class: copy ? "nsp-lit-copy" : "nsp-lit"}, g);
    }
  }
  // The frame's marker sits up-left of a device (its name stays readable), on a line's middle.
  function markAt(p) { return p.node ? [TX(p.x) - 17, TY(p.y) - 17] : [TX(p.x), TY(p.y)]; }
  function drawTopology(k) {
    clear(tHi); clear(tOver);
    const st = STEPS[k];
    const fid = st[F.frame], action = S[st[F.action]];
    const p = topoPoint(S[st[F.topo]]);
    topoFig.setAttribute("data-lit", p ? S[st[F.topo]] : "");
    const copies = (st[F.copies] || []).map(copyRef).map((c) => topoPoint(c.topo)).filter(Boolean);
    for (const c of copies) {
      lightTopo(c, tHi, true);
      if (action === "flood" && p) {
        s("line", {x1: TX(p.x), y1: TY(p.y), x2: TX(c.x), y2: TY(c.y), class: "nsp-branch"}, tHi);
      }
      const [mx, my] = markAt(c);
      marker(tOver, mx, my, fid, false, true);
    }
    if (!p) return;
    lightTopo(p, tHi, false);
    const prev = st[F.from];
    const q = prev >= 0 ? topoPoint(S[STEPS[prev][F.topo]]) : null;
    if (q && (q.x !== p.x || q.y !== p.y)) {
      trail(tHi, TX(q.x), TY(q.y), TX(p.x), TY(p.y));
    }
    const [mx, my] = markAt(p);
    marker(tOver, mx, my, fid, action === "drop" || action === "reject");
  }
  // ------------------------------------------------------------------ the caption
  function drawCaption(k) {
    clear(caption);
    const st = STEPS[k];
    const fid = st[F.frame], action = S[st[F.action]];
    const l1 = h("div", {class: "nsp-cap-1"}, caption);
    h("span", {class: "nsp-time", title: "simulated time " + absTime(st[F.t])}, l1, fmtTime(st[F.t]));
    const chip = h("span", {class: "nsp-chip"}, l1, frameGlyph(fid) + " frame #" + fid);
    chip.style.color = frameColour(fid);
    h("span", {class: "nsp-place"}, l1, S[st[F.place]] || S[st[F.host]]);
    badge(l1, S[st[F.layer]], action);
    const nat = natChange(k);
    const l2 = h("div", {class: "nsp-cap-2"}, caption);
    if (nat) h("strong", {class: "nsp-natnote"}, l2, nat + ": ");
    l2.appendChild(document.createTextNode(S[st[F.reason]]));
    const l3 = h("div", {class: "nsp-cap-3"}, caption);
    h("span", null, l3, "kernel function ");
    h("code", null, l3, S[st[F.func]] + "()");
    if (st[F.packet] >= 0) {
      h("span", null, l3, " \u00B7 the frame now: ");
      h("code", {class: "nsp-summary"}, l3, shortSummary(packet(st[F.packet]).summary));
    }
  }
  function natChange(k) {
    const st = STEPS[k];
    if (S[st[F.action]] !== "nat" || st[F.facts] < 0) return "";
    const f = D.facts[st[F.facts]];
    if (!f.from) return "";
    let text = "NAT " + (f.manip || "") + " " + f.from + " \u2192 " + f.to;
    if (f.port_from !== undefined && f.port_from !== f.port_to) {
      text += " (" + f.port + " " + f.port_from + " \u2192 " + f.port_to + ")";
    }
    return text;
  }

  // ------------------------------------------------------------------ the inspector
  function section(title, parent) {
    const sec = h("section", {class: "nsp-sec"}, parent || inspect);
    h("h3", null, sec, title);
    return sec;
  }
  function kvTable(parent, rowsList, cls) {
    const t = h("table", {class: cls || "nsp-kv"}, parent);
    const body = h("tbody", null, t);
    for (const [k, v, note] of rowsList) {
      const tr = h("tr", null, body);
      h("th", {scope: "row"}, tr, k);
      const td = h("td", null, tr, v);
      if (note) h("span", {class: "nsp-was"}, td, note);
    }
    return t;
  }
  function previousPacket(k) {   // the frame's bytes at its previous step that had any
    const fid = STEPS[k][F.frame];
    for (let j = k - 1; j >= Math.max(0, k - 400); j--) {
      if (STEPS[j][F.frame] === fid && STEPS[j][F.packet] >= 0) return STEPS[j][F.packet];
    }
    return -1;
  }
  function changes(pk, prev) {
    const out = [];
    if (prev < 0 || prev === pk) return out;
    const before = new Map(packet(prev).layers.map((l) => [l.n, new Map(l.f)]));
    const after = new Map(packet(pk).layers.map((l) => [l.n, l]));
    for (const [name, layer] of after) {
      const old = before.get(name);
      if (!old) { out.push([name, "header added", "", ""]); continue; }
      for (const [field, value] of layer.f) {
        if (old.has(field) && old.get(field) !== value) out.push([name, field, old.get(field), value]);
      }
    }
    for (const name of before.keys()) if (!after.has(name)) out.push([name, "header removed", "", ""]);
    return out;
  }
  function drawInspect(k) {
    clear(inspect);
    const st = STEPS[k];
    const fid = st[F.frame];
    h("h2", null, inspect, "Step " + (k + 1) + ": what the kernel did");
    const grid = h("div", {class: "nsp-grid"}, inspect);
    const col1 = h("div", null, grid), col2 = h("div", null, grid);

    const what = section("The step", col1);
    kvTable(what, [["time", fmtTime(st[F.t]) + "  (t = " + absTime(st[F.t]) + ")"],
      ["where", S[st[F.place]] || S[st[F.host]]], ["layer", S[st[F.layer]]],
      ["action", S[st[F.action]]], ["frame", "#" + fid],
      ["kernel function", S[st[F.func]] + "()"], ["why", S[st[F.reason]]]]);

    const facts = st[F.facts] >= 0 ? D.facts[st[F.facts]] : null;
    const dec = section("What decided", col1);
    const nat = natChange(k);
    if (nat) h("p", {class: "nsp-natnote"}, dec, "Rewritten here: " + nat);
    if (facts && Object.keys(facts).length) {
      kvTable(dec, Object.entries(facts).map(([key, v]) => [FACT_NAMES[key] || key, factText(key, v)]));
    } else {
      h("p", {class: "nsp-muted"}, dec, "This step records no rule, route or table entry.");
    }

    const pk = st[F.packet];
    const ch = section("Changed since the frame's previous hop", col1);
    if (pk < 0) {
      h("p", {class: "nsp-muted"}, ch, "This step carries no bytes (a decision about the frame).");
    } else {
      const prev = previousPacket(k);
      const diff = changes(pk, prev);
      if (prev < 0) h("p", {class: "nsp-muted"}, ch, "The first time this frame's bytes are seen.");
      else if (!diff.length) h("p", {class: "nsp-muted"}, ch, "Nothing: the same bytes as before.");
      else kvTable(ch, diff.map(([layer, field, a, b]) => [layer + " \u00B7 " + field,
        a ? a + " \u2192 " + b : ""]));
    }

    if (st[F.bridge] >= 0) {
      const B = D.bridges[st[F.bridge]];
      const fsec = section("FDB of " + B.name + " on " + B.host + " at this step", col1);
      const table = fdbAt(st[F.bridge], k);
      const decided = facts && facts.mac;
      const t = h("table", {class: "nsp-fdbtable"}, fsec);
      const hr = h("tr", null, h("thead", null, t));
      for (const c of ["MAC", "port", "entry"]) h("th", {scope: "col"}, hr, c);
      const body = h("tbody", null, t);
      for (const [mac, e] of table) {
        const tr = h("tr", mac === decided ? {class: "nsp-hit"} : null, body);
        h("td", null, tr, (mac === decided ? "\u25B6 " : "") + mac);
        h("td", null, tr, e.port);
        h("td", null, tr, e.kind + (e.since !== null ? " at " + e.since.toFixed(6) + " s" : ""));
      }
      for (const [mac, port] of B.local) {
        const tr = h("tr", {class: "nsp-local"}, body);
        h("td", null, tr, mac); h("td", null, tr, port); h("td", null, tr, "own address (local)");
      }
      if (!table.size && !B.local.length) h("p", {class: "nsp-muted"}, fsec, "(empty)");
      h("p", {class: "nsp-muted"}, fsec, "Replayed from the trace's learn, age and flush records"
        + (decided ? "; \u25B6 marks the entry this step used." : "."));
    }

    if (pk >= 0) {
      const {summary, hex, layers} = packet(pk);
      const lsec = section("The frame, layer by layer", col2);
      h("p", {class: "nsp-summary"}, lsec, summary);
      const prev = previousPacket(k);
      const diff = new Map(changes(pk, prev).map(([l, f, a]) => [l + "\u0000" + f, a]));
      layers.forEach((layer, j) => {
        const det = h("details", {open: "", class: "nsp-layer nsp-l" + (j % 4)}, lsec);
        const sum = h("summary", null, det, layer.n + "  (bytes " + layer.s + "\u2013" + (layer.e - 1) + ")");
        sum.addEventListener("mouseenter", () => markBytes(layer.s, layer.e, true));
        sum.addEventListener("mouseleave", () => markBytes(layer.s, layer.e, false));
        kvTable(det, layer.f.map(([f, v]) => {
          const was = diff.get(layer.n + "\u0000" + f);
          return [f, v, was !== undefined && was !== "" ? "  \u21E6 was " + was : ""];
        }));
      });
      const bsec = section("Bytes (hex), " + (hex.length / 2) + " in all", col2);
      const pre = h("pre", {class: "nsp-hex"}, bsec);
      const bytes = hex.length / 2;
      const layerOf = new Int16Array(bytes).fill(-1);
      layers.forEach((l, j) => { for (let b = l.s; b < Math.min(l.e, bytes); b++) if (layerOf[b] < 0) layerOf[b] = j; });
      for (let off = 0; off < bytes; off += 16) {
        h("span", {class: "nsp-off"}, pre, off.toString(16).padStart(4, "0") + "  ");
        for (let b = off; b < Math.min(off + 16, bytes); b++) {
          h("span", {class: "nsp-byte nsp-l" + (layerOf[b] >= 0 ? layerOf[b] % 4 : "x"), "data-b": String(b)},
            pre, hex.slice(2 * b, 2 * b + 2));
          pre.appendChild(document.createTextNode(b % 8 === 7 ? "  " : " "));
        }
        pre.appendChild(document.createTextNode("\n"));
      }
    }
  }
  function markBytes(a, b, on) {
    for (const e of inspect.querySelectorAll(".nsp-byte")) {
      const i = Number(e.getAttribute("data-b"));
      if (i >= a && i < b) e.classList.toggle("nsp-mark", on);
    }
  }
  function factText(key, v) {
    if (v === null || v === undefined) return key === "rule" ? "(the chain's policy)" : "none";
    if (key === "delay" && typeof v === "number") return (v * 1e6).toFixed(2) + " \u00B5s";
    if (key === "reply_to") return "#" + v;
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  // ------------------------------------------------------------------ stepping
  let cur = 0;
  let timer = null;
  function updateButtons() {
    const r = rank[cur];
    bPrev.disabled = bFirst.disabled = !(r > 0);
    bNext.disabled = bLast.disabled = !(r >= 0 && r < visible.length - 1);
    counter.textContent = "step " + (cur + 1) + " of " + N
      + (visible.length !== N ? " (" + (r + 1) + " of " + visible.length + " shown)" : "");
  }
  function go(k) {
    if (k < 0 || k >= N) return;
    cur = k;
    drawCaption(k);
    drawInside(k);
    drawTopology(k);
    drawInspect(k);
    renderRows(true);
    updateButtons();
  }
  function step(delta) {
    if (!visible.length) return;
    let r = rank[cur];
    if (r < 0) {   // the current step is filtered out: the next shown one
      const next = visible.findIndex((k) => k > cur);
      r = next < 0 ? visible.length : next;
      if (delta > 0) { go(visible[Math.min(r, visible.length - 1)]); return; }
    }
    const t = r + delta;
    if (t >= 0 && t < visible.length) go(visible[t]);
  }
  function play() {
    if (rank[cur] >= visible.length - 1) go(visible[0]);
    bPlay.textContent = "\u275A\u275A Pause";
    bPlay.title = "Pause";
    const tick = () => {
      if (rank[cur] >= visible.length - 1) { stop(); return; }
      step(1);
      timer = setTimeout(tick, 1000 / Number(speed.value));
    };
    timer = setTimeout(tick, 1000 / Number(speed.value));
  }
  function stop() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    bPlay.textContent = "\u25B6 Play";
    bPlay.title = "Play";
  }
  bFirst.addEventListener("click", () => { stop(); if (visible.length) go(visible[0]); });
  bLast.addEventListener("click", () => { stop(); if (visible.length) go(visible[visible.length - 1]); });
  bPrev.addEventListener("click", () => { stop(); step(-1); });
  bNext.addEventListener("click", () => { stop(); step(1); });
  bPlay.addEventListener("click", () => { if (timer === null) play(); else stop(); });
  insidePick.addEventListener("change", () => { shownInside = -1; drawInside(cur); });
  document.addEventListener("keydown", (e) => {
    const t = e.target && e.target.tagName;
    if (e.altKey || e.ctrlKey || e.metaKey || t === "SELECT" || t === "INPUT" || t === "TEXTAREA") return;
    if (e.key === "ArrowRight" || (e.key === "ArrowDown" && e.target === listBox)) { stop(); step(1); }
    else if (e.key === "ArrowLeft" || (e.key === "ArrowUp" && e.target === listBox)) { stop(); step(-1); }
    else if (e.key === " " && t !== "BUTTON") { if (timer === null) play(); else stop(); }
    else if (e.key === "Home") { stop(); if (visible.length) go(visible[0]); }
    else if (e.key === "End") { stop(); if (visible.length) go(visible[visible.length - 1]); }
    else return;
    e.preventDefault();
  });

  buildTopology();
  applyFilters();
  go(0);
}
