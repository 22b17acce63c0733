(() => {
  'use strict';
  // Runs in <head>, so the filter bar has its space before the (possibly long) body is parsed.
  const doc = document;
  doc.documentElement.classList.add('js');
  const all = (sel, root) => Array.from((root || doc).querySelectorAll(sel));

  doc.addEventListener('DOMContentLoaded', () => {
    const items = new Map();
    for (const body of all('details.it > .bd')) {
      const el = body.parentNode;
      const lazy = body.hasAttribute('data-lazy');
      const {outcome: o, device: d, network: n} = el.dataset;
      items.set(body.id, {el, body, lazy, o, d, n, q: null, on: true});
    }
    // Panels past the first few hundred come as HTML strings (made and escaped by the report
    // writer, like the rest of the page) in a gzipped JSON block, unpacked on the first open.
    const key = (it) => it.body.id.slice(2);
    let search = null;
    const searchBlock = () => {
      if (search === null) {
        const el = doc.getElementById('cx-search');
        search = el ? JSON.parse(el.textContent) : {};
      }
      return search;
    };
    let unpacked = null;
    const unpack = () => {
      if (unpacked === null) {
        const el = doc.getElementById('cx-bodies');
        unpacked = !el || !window.DecompressionStream ? Promise.resolve({}) : (async () => {
          const bytes = Uint8Array.from(atob(el.textContent), (c) => c.charCodeAt(0));
          const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
          return JSON.parse(await new Response(stream).text());
        })();
      }
      return unpacked;
    };
    const fill = (it) => {
      if (!it.lazy) return;
      it.lazy = false;
      unpack().then((all) => {
        const html = all[key(it)];
        if (html === undefined) return;  // no DecompressionStream: the note stays
        it.body.innerHTML = html;
        it.body.removeAttribute('data-lazy');
      }, () => {});
    };
    doc.addEventListener('toggle', (e) => {
      const el = e.target;
      if (el instanceof HTMLDetailsElement && el.open && el.classList.contains('it')) {
        fill(items.get(el.lastElementChild.id));
      }
    }, true);
    const cols = new Map();
    for (const th of all('#mx thead th[data-c]')) {
      cols.set(th.dataset.c, {d: th.dataset.d, n: th.dataset.n, g: th.dataset.g, on: true});
    }
    const colEls = all('#mx [data-c]');
    const groups = all('#mx thead th[data-g]:not([data-c])');
    const groupSpan = new Map(groups.map((th) => [th.dataset.g, th.colSpan]));
    const bodies = all('#mx tbody').map((tb) => ({
      tb,
      rows: all('tr.r', tb).map((tr) => ({
        tr,
        cells: all('td.c', tr).map((td) => ({
          td,
          it: items.get(td.firstElementChild.getAttribute('href').slice(1)),
          col: cols.get(td.dataset.c),
        })),
      })),
    }));
    const chips = all('#f-o input');
    const dev = doc.getElementById('f-d');
    const net = doc.getElementById('f-n');
    const text = doc.getElementById('f-q');
    const count = doc.getElementById('f-count');
    const reset = doc.getElementById('f-reset');
    const total = items.size;

    // The searchable text is read from the panels on the first search only: no copy in the HTML.
    const searchable = (it) => {
      if (it.q === null) {
        const texts = searchBlock();
        const text = key(it) in texts
          ? texts[key(it)]
          : all('.q', it.el).map((e) => e.textContent).join('\n');
        it.q = text.toLowerCase();
      }
      return it.q;
    };

    const apply = () => {
      const on = new Set(chips.filter((c) => c.checked).map((c) => c.value));
      const d = dev ? dev.value : '';
      const n = net ? net.value : '';
      const terms = text ? text.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
      let shown = 0;
      for (const it of items.values()) {
        let ok = on.has(it.o) && (!d || it.d === d) && (!n || it.n === n);
        if (ok && terms.length) {
          const q = searchable(it);
          ok = terms.every((t) => q.includes(t));
        }
        it.on = ok;
        it.el.classList.remove('pin');
        it.el.hidden = !ok;
        if (ok) shown += 1;
      }
      const span = new Map();
      for (const [c, col] of cols) {
        col.on = (!d || col.d === d) && (!n || col.n === n);
        if (col.on && col.g) span.set(col.g, (span.get(col.g) || 0) + 1);
      }
      for (const el of colEls) el.hidden = !cols.get(el.dataset.c).on;
      for (const th of groups) {
        const k = span.get(th.dataset.g) || 0;
        th.hidden = k === 0;
        th.colSpan = k || groupSpan.get(th.dataset.g);
      }
      for (const {tb, rows} of bodies) {
        let any = false;
        for (const {tr, cells} of rows) {
          let visible = false;
          for (const {td, it, col} of cells) {
            const lit = Boolean(it && it.on);
            td.classList.toggle('off', !lit);
            if (lit && col.on) visible = true;
          }
          tr.hidden = !visible;
          any = any || visible;
        }
        tb.hidden = !any;
      }
      const filtered = shown !== total;
      count.textContent = filtered ? `${shown} of ${total} shown` : `${total} results`;
      reset.hidden = !filtered;
      doc.body.classList.toggle('filtered', filtered);
    };

    let timer = 0;
    for (const c of chips) c.addEventListener('change', apply);
    for (const s of [dev, net]) if (s) s.addEventListener('change', apply);
    if (text) {
      text.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(apply, total > 300 ? 150 : 0);
      });
    }
    // Failures only: the outcome chips set to what failed, so the matrix keeps only the rows
    // with a failed cell and the list only failed results; #failures opens the page that way.
    const fail = doc.getElementById('f-fail');
    const failuresOnly = (on) => {
      for (const c of chips) c.checked = !on || c.value === 'failed' || c.value === 'error';
      if (fail) fail.setAttribute('aria-pressed', String(on));
      doc.body.classList.toggle('failures', on);
      apply();
    };
    if (fail) {
      fail.addEventListener('click', () => failuresOnly(fail.getAttribute('aria-pressed') !== 'true'));
      if (location.hash === '#failures') failuresOnly(true);
    }
    reset.addEventListener('click', () => {
      for (const s of [dev, net, text]) if (s) s.value = '';
      failuresOnly(false);
    });

    let current = null;
    // Opened before the browser follows the #anchor, so it scrolls to an open, visible panel
    // even when the filters had hidden it.
    const reveal = (id) => {
      const it = items.get(id);
      if (!it) return false;
      if (it.el.hidden) {
        it.el.hidden = false;
        it.el.classList.add('pin');
      }
      fill(it);
      it.el.open = true;
      if (current) current.classList.remove('cur');
      current = it.el;
      current.classList.add('cur');
      return true;
    };
    doc.addEventListener('click', (e) => {
      const target = e.target instanceof Element ? e.target : null;
      if (!target) return;
      const a = target.closest('a[href^="#i-"]');
      if (a) reveal(a.getAttribute('href').slice(1));
      const b = target.closest('button.cp');
      if (b) copy(b);
      const tab = target.closest('.vd button.vt');
      if (tab) showTab(tab);
      const zoom = target.closest('.vd button.vz');
      if (zoom) {
        const on = zoom.getAttribute('aria-pressed') !== 'true';
        zoom.setAttribute('aria-pressed', String(on));
        zoom.closest('.vd').classList.toggle('z', on);
      }
    });
    doc.addEventListener('input', (e) => {
      const range = e.target;
      if (range instanceof HTMLInputElement && range.dataset.v) slide(range);
    });

    // The snapshot diff viewer: the section's data-tab says which pane the CSS shows. The
    // slider and overlay panes borrow the expected and actual pictures' sources when first
    // shown. Styles are set through the CSSOM: the CSP forbids style attributes, not this.
    const showTab = (btn) => {
      const box = btn.closest('.vd');
      const t = btn.dataset.t;
      for (const img of all(`.vp-${t} img[data-from]`, box)) {
        const from = box.querySelector(`.vp-${img.dataset.from} img`);
        if (from && !img.getAttribute('src')) img.src = from.currentSrc || from.src;
      }
      box.dataset.tab = t;
      for (const other of all('button.vt', box)) {
        other.setAttribute('aria-selected', String(other === btn));
      }
    };
    const slide = (range) => {
      const pane = range.closest('.vp');
      const over = pane && pane.querySelector('img.over');
      if (!over) return;
      const v = Math.min(100, Math.max(0, Number(range.value)));
      if (range.dataset.v === 'clip') {
        over.style.clipPath = `inset(0 0 0 ${v}%)`;
        const handle = pane.querySelector('.handle');
        if (handle) handle.style.left = `${v}%`;
      } else {
        over.style.opacity = String(v / 100);
      }
    };
    window.addEventListener('hashchange', () => reveal(location.hash.slice(1)));
    if (location.hash && reveal(location.hash.slice(1))) {
      doc.getElementById(location.hash.slice(1)).scrollIntoView();
    }

    // The "Matrix ↑" button only once the matrix is out of sight, so it never covers it.
    const top = doc.querySelector('.totop');
    const matrix = doc.getElementById('matrix');
    if (top && matrix && window.IntersectionObserver) {
      new IntersectionObserver((seen) => {
        top.classList.toggle('near', seen[0].isIntersecting);
      }).observe(matrix);
    }

    const select = (el) => {
      const range = doc.createRange();
      range.selectNodeContents(el);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    };
    const copy = (btn) => {
      const code = btn.previousElementSibling;
      const done = () => {
        btn.textContent = 'Copied';
        setTimeout(() => { btn.textContent = 'Copy'; }, 1500);
      };
      select(code);
      // file:// pages may be denied the clipboard; the command then stays selected for Ctrl+C.
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(code.textContent).then(done, () => {});
      }
    };
  });
})();
