// What a person at the back of a room cannot read on a projected page, measured in the browser.
//
// Called by tests/e2e/test_projection_room.py through page.evaluate with the smallest
// readable size (px). Returns lists of offenders, each a short line saying what and where:
//   small    text under the size: DOM text (computed font-size) and Plotly SVG text (font-size
//            times the scale of its screen transform, so a label Plotly shrank to fit a bar
//            counts at the size it is drawn)
//   canvas   tables drawn on a canvas (st.dataframe: 13 px cells no style can enlarge)
//   overlap  two text boxes of one chart that intersect
//   outside  chart text outside its chart, or outside the clip area it is drawn in (cut off)
//   crossed  chart text that a plotted line or a line shape runs through (not counted: a
//            label on an opaque backing, drawn over the line, or on a bar the line runs under)
//   clipped  page text cut off by its box (wider than its box with overflow hidden / ellipsis)
// Left out, each for a reason: text nobody can see (display none, visibility hidden, opacity
// 0, a 1-px screen-reader box, outside the page to the left or right as the collapsed
// sidebar is), the accessible copy of a canvas table (the canvas itself is reported), the
// app's running indicator (it flickers while a page loads, never during the meeting), and an
// editable table a team opens to type in (present.editor: the room reads the table above it).
(minPx) => {
  const out = { small: [], canvas: [], overlap: [], outside: [], crossed: [], clipped: [] };
  const SLACK = 2; // px of overlap or overhang that antialiasing or rounding makes
  const pageWidth = document.documentElement.clientWidth;
  const say = (el) => {
    const words = (el.textContent || "").replace(/\s+/g, " ").trim();
    return words.length > 60 ? words.slice(0, 57) + "..." : words;
  };
  const where = (el) => {
    const page = el.closest('[data-testid="stSidebar"]') ? "sidebar" : "main";
    const chart = el.closest('[data-testid="stPlotlyChart"]');
    if (!chart) return page;
    const title = chart.querySelector(".gtitle");
    return `chart "${title ? say(title) : "untitled"}"`;
  };
  const seen = (el) => {
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;
    return r.right > 0 && r.left < pageWidth;
  };
  const skipped = (el) =>
    el.closest('[data-testid="stDataFrame"], [data-testid="stDataFrameResizable"]') ||
    el.closest('[class*="st-key-room_editor"]') ||
    el.closest('[data-testid="stStatusWidget"]') || el.closest("style, script, noscript, title");

  // -- DOM text ------------------------------------------------------------------------
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const reported = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.nodeValue.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest("svg") || skipped(el) || reported.has(el) || !seen(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.right <= 0 || box.left >= pageWidth) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minPx - 0.25) {
      reported.add(el);
      out.small.push(`${where(el)}: ${size.toFixed(1)} px "${say(el)}" <${el.tagName.toLowerCase()} ${el.closest("[data-testid]")?.dataset.testid || ""}>`);
    }
  }
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (seen(grid) && !grid.closest('[class*="st-key-room_editor"]')) out.canvas.push(`${where(grid)}: a canvas table "${say(grid).slice(0, 40)}"`);
  }

  // -- page text cut off ---------------------------------------------------------------
  for (const el of document.querySelectorAll('[data-testid="stApp"] *')) {
    if (el.closest("svg") || skipped(el) || !el.childNodes.length) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.nodeValue.trim());
    if (!own || !seen(el)) continue;
    const css = getComputedStyle(el);
    const cuts = css.textOverflow === "ellipsis" || ["hidden", "clip"].includes(css.overflowX);
    if (cuts && el.scrollWidth > el.clientWidth + 1) {
      out.clipped.push(`${where(el)}: "${say(el)}" needs ${el.scrollWidth} px, has ${el.clientWidth}`);
    }
  }

  // -- charts ----------------------------------------------------------------------------
  const inside = (a, b) => a.left >= b.left - SLACK && a.right <= b.right + SLACK &&
    a.top >= b.top - SLACK && a.bottom <= b.bottom + SLACK;
  const meets = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > SLACK &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > SLACK;
  const clipBox = (el, svg) => {
    // The clip area an element is drawn in (Plotly clips plot-area text with clip-path): the
    // clip's rectangle is in the user space of the element that refers to it.
    for (let up = el; up && up !== svg; up = up.parentElement) {
      const ref = up.getAttribute && up.getAttribute("clip-path");
      const id = ref && /url\(['"]?#([^'")]+)/.exec(ref);
      const clip = id && document.getElementById(id[1]);
      const shape = clip && clip.querySelector("rect");
      const m = shape && up.getScreenCTM();
      if (!m) continue;
      const [x, y] = ["x", "y"].map((k) => parseFloat(shape.getAttribute(k) || "0"));
      const [w, h] = ["width", "height"].map((k) => parseFloat(shape.getAttribute(k) || "0"));
      const corners = [[x, y], [x + w, y + h]].map(([px, py]) =>
        new DOMPoint(px, py).matrixTransform(m));
      return { left: Math.min(corners[0].x, corners[1].x), right: Math.max(corners[0].x, corners[1].x),
               top: Math.min(corners[0].y, corners[1].y), bottom: Math.max(corners[0].y, corners[1].y) };
    }
    return null;
  };
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!seen(chart)) continue;
    const root = chart.querySelector(".js-plotly-plot");
    const svg = root && root.querySelector("svg.main-svg");
    if (!svg) { out.small.push(`${where(chart)}: the chart did not draw`); continue; }
    const frame = root.getBoundingClientRect();
    const texts = [];
    for (const t of root.querySelectorAll("svg text")) {
      if (!t.textContent.trim() || t.closest(".hoverlayer, .modebar") || !seen(t)) continue;
      const m = t.getScreenCTM();
      const scale = m ? Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) : 1;
      const size = parseFloat(getComputedStyle(t).fontSize) * scale;
      const name = `${where(t)}: "${say(t)}"`;
      if (size < minPx - 0.25) out.small.push(`${name} ${size.toFixed(1)} px`);
      const box = t.getBoundingClientRect();
      const clip = clipBox(t, svg);
      if (!inside(box, frame) || (clip && !inside(box, clip))) {
        out.outside.push(`${name} is cut off at the ${!inside(box, frame) ? "chart's" : "plot's"} edge`);
      }
      // A label on an opaque backing (an annotation's filled box) is drawn over every line;
      // a label on a bar hides any line drawn below the bars.
      const note = t.closest(".annotation");
      const bg = note && note.querySelector("rect.bg");
      const backed = bg && getComputedStyle(bg).fill !== "none" &&
        parseFloat(getComputedStyle(bg).fillOpacity || "1") >= 0.8;
      const bar = t.closest(".barlayer .point");
      const barPath = bar && bar.querySelector("path");
      const onBar = barPath && inside(box, barPath.getBoundingClientRect());
      texts.push({ t, box, name, backed, onBar });
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (meets(texts[i].box, texts[j].box)) {
          out.overlap.push(`${texts[i].name} overlaps "${say(texts[j].t)}"`);
        }
      }
    }
    // Plotted lines and line shapes (the median, 100 %, target lines), sampled every 3 px.
    const lines = root.querySelectorAll(".scatterlayer path.js-line, .shapelayer path");
    const hit = new Set();
    for (const line of lines) {
      // (a straight line's box is 0 px high or wide: only its visibility counts here)
      if (!line.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      if (getComputedStyle(line).strokeOpacity === "0") continue;
      const stroke = getComputedStyle(line).stroke;
      if (!stroke || stroke === "none" || parseFloat(getComputedStyle(line).strokeWidth) === 0) continue;
      const length = line.getTotalLength();
      const m = line.getScreenCTM();
      if (!m || !length) continue;
      const below = !!line.closest(".layer-below");
      for (let s = 0; s <= length; s += 3) {
        const p = line.getPointAtLength(s).matrixTransform(m);
        for (const { t, box, name, backed, onBar } of texts) {
          if (hit.has(t) || backed || (below && onBar)) continue;
          if (p.x > box.left + SLACK && p.x < box.right - SLACK &&
              p.y > box.top + SLACK && p.y < box.bottom - SLACK) {
            hit.add(t);
            out.crossed.push(`${name} is crossed by a line`);
          }
        }
      }
    }
  }
  return out;
}
