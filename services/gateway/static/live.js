// The live desk on a signed-in page: notices of new, assigned and due
// records without reloading, the menu's counts kept current, and a work
// list redrawn when its records change (unless the person is in the middle
// of choosing or typing there: then a notice offers to redraw it).
(function () {
  'use strict';
  var box = document.getElementById('canli');
  if (!box || !window.EventSource) { return; }
  var LISTS = ['/cagri-havuzu', '/uzerimdeki', '/geri-donus', '/havuz',
    '/sure-yaklasan', '/sure-gecen', '/ulasilamayanlar'];
  var onList = LISTS.indexOf(window.location.pathname) >= 0;
  var MAX_NOTICES = 5;

  function notice(n) {
    var item = document.createElement('div');
    item.className = n.acil ? 'canli-bildirim acil' : 'canli-bildirim';
    if (n.acil) { item.setAttribute('role', 'alert'); }
    var text = document.createElement('span');
    text.textContent = n.metin;
    var link = document.createElement('a');
    link.href = n.adres;
    link.textContent = box.getAttribute('data-ac');
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'ikincil';
    close.textContent = box.getAttribute('data-kapat');
    close.addEventListener('click', function () { item.remove(); });
    item.appendChild(text);
    item.appendChild(document.createTextNode(' '));
    item.appendChild(link);
    item.appendChild(document.createTextNode(' '));
    item.appendChild(close);
    box.insertBefore(item, box.firstChild);
    while (box.children.length > MAX_NOTICES) { box.lastChild.remove(); }
  }

  function counts(c) {
    var links = document.querySelectorAll('a[data-yol]');
    Array.prototype.forEach.call(links, function (a) {
      var n = c[a.getAttribute('data-yol')];
      // In the desk bar the count is inside the link; on the start page,
      // beside it.
      var inside = !!a.closest('nav.masa');
      var holder = inside ? a : a.parentNode;
      var span = holder.querySelector(':scope > .sayi');
      if (n === undefined) { if (span) { span.remove(); } return; }
      if (!span) {
        span = document.createElement('span');
        span.className = 'sayi';
        holder.appendChild(document.createTextNode(' '));
        holder.appendChild(span);
      }
      span.textContent = n;
    });
  }

  // The list is busy when something in it is ticked, has the focus, or
  // holds what was typed and not yet sent: redrawing would lose it.
  function busy() {
    var main = document.querySelector('main');
    if (!main) { return true; }
    if (main.querySelector('input[type=checkbox]:checked')) { return true; }
    var f = document.activeElement;
    if (f && main.contains(f) && /^(INPUT|SELECT|TEXTAREA)$/.test(f.tagName)) { return true; }
    return Array.prototype.some.call(main.querySelectorAll('input, textarea, select'), function (el) {
      if (el.tagName === 'SELECT') {
        // Without a selected attribute the first option is the default.
        var byDefault = Array.prototype.filter.call(el.options, function (o) { return o.defaultSelected; });
        return Array.prototype.some.call(el.options, function (o, i) {
          var chosen = byDefault.length ? o.defaultSelected : (!el.multiple && i === 0);
          return o.selected !== chosen;
        });
      }
      if (el.type === 'checkbox' || el.type === 'radio') { return el.checked !== el.defaultChecked; }
      return el.type !== 'hidden' && el.value !== el.defaultValue;
    });
  }

  function offerRefresh() {
    if (document.getElementById('canli-yenile')) { return; }
    var p = document.createElement('p');
    p.id = 'canli-yenile';
    p.className = 'bilgi';
    p.textContent = box.getAttribute('data-degisti') + ' ';
    var a = document.createElement('a');
    a.href = window.location.href;
    a.textContent = box.getAttribute('data-yenile');
    p.appendChild(a);
    var main = document.querySelector('main');
    if (main) { main.insertBefore(p, main.firstChild); }
  }

  var redrawTimer = null;
  function listChanged() {
    if (!onList) { return; }
    if (redrawTimer) { clearTimeout(redrawTimer); }
    redrawTimer = setTimeout(redraw, 700);
  }

  // Redraws the list's rows from the page as the server draws it now: the
  // same order, filters and scope as a reload, without losing the place.
  function redraw() {
    redrawTimer = null;
    if (busy()) { offerRefresh(); return; }
    fetch(window.location.href, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html || busy()) { if (html) { offerRefresh(); } return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        var now = document.querySelector('main');
        var next = fresh.querySelector('main');
        if (!now || !next) { return; }
        var a = now.querySelectorAll('table.liste');
        var b = next.querySelectorAll('table.liste');
        if (a.length !== b.length || a.length === 0) {
          // The list appeared or emptied: the page's shape changed, so
          // the whole of it is drawn anew (nothing typed is lost: busy()).
          now.replaceChildren.apply(now, Array.prototype.map.call(next.childNodes, function (n) {
            return document.importNode(n, true);
          }));
          return;
        }
        Array.prototype.forEach.call(a, function (t, i) {
          var tb = t.tBodies[0];
          var nb = b[i].tBodies[0];
          if (tb && nb) { tb.replaceWith(document.importNode(nb, true)); }
        });
        var h = now.querySelector('h1');
        var nh = next.querySelector('h1');
        if (h && nh) { h.replaceWith(document.importNode(nh, true)); }
      })
      .catch(function () {});
  }

  function handle(m) {
    // The stream is open: what happens from now on will be shown.
    if (m.tur === 'hazir') { box.setAttribute('data-hazir', '1'); }
    else if (m.tur === 'kapandi') { box.removeAttribute('data-hazir'); }
    if (m.tur === 'bildirim') { notice(m.veri); listChanged(); }
    else if (m.tur === 'degisti') { listChanged(); }
    else if (m.tur === 'sayilar') { counts(m.veri); }
  }

  if (window.SharedWorker) {
    try {
      var worker = new SharedWorker('/static/live-worker.js', { name: 'tekmerkez-canli' });
      worker.port.onmessage = function (e) { handle(e.data); };
      worker.port.start();
      window.addEventListener('pagehide', function () { worker.port.postMessage('ayrildi'); });
      return;
    } catch (e) { /* fall through to a stream of this page's own */ }
  }
  var source = new EventSource('/canli');
  var timer = null;
  function countsSoon() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () {
      fetch('/canli/sayilar', { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (c) { if (c) { counts(c); } })
        .catch(function () {});
    }, 1000);
  }
  source.addEventListener('bildirim', function (e) {
    handle({ tur: 'bildirim', veri: JSON.parse(e.data) });
    countsSoon();
  });
  source.addEventListener('degisti', function () { handle({ tur: 'degisti' }); countsSoon(); });
  source.addEventListener('hazir', function () { handle({ tur: 'hazir' }); });
}());
