// The live desk's shared worker: one event stream for every tab of this
// browser (many open tabs never exhaust the browser's connections), and one
// fetch of the menu's counts per change, whichever tab shows them.
'use strict';

var ports = [];
var source = null;
// Whether the stream has said it is open (a tab that joins later is told).
var ready = false;
var countsTimer = null;

function post(msg) {
  ports.forEach(function (p) { p.postMessage(msg); });
}

// Counts are read once, a moment after a burst of changes settles.
function countsSoon() {
  if (countsTimer) { clearTimeout(countsTimer); }
  countsTimer = setTimeout(function () {
    countsTimer = null;
    fetch('/canli/sayilar', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) { if (counts) { post({ tur: 'sayilar', veri: counts }); } })
      .catch(function () {});
  }, 1000);
}

function open() {
  // The browser resumes with Last-Event-ID after a dropped connection.
  source = new EventSource('/canli');
  source.addEventListener('bildirim', function (e) {
    post({ tur: 'bildirim', veri: JSON.parse(e.data) });
    countsSoon();
  });
  source.addEventListener('degisti', function () {
    post({ tur: 'degisti' });
    countsSoon();
  });
  source.addEventListener('hazir', function () { ready = true; post({ tur: 'hazir' }); });
  source.onerror = function () {
    // Closed for good (signed out): the tabs are told; a new tab retries.
    ready = false;
    if (source && source.readyState === EventSource.CLOSED) {
      source = null;
      post({ tur: 'kapandi' });
    }
  };
}

self.onconnect = function (e) {
  var port = e.ports[0];
  ports.push(port);
  port.onmessage = function (m) {
    if (m.data === 'ayrildi') {
      ports = ports.filter(function (p) { return p !== port; });
      if (ports.length === 0 && source) { source.close(); source = null; }
    }
  };
  port.start();
  if (!source) { open(); } else if (ready) { port.postMessage({ tur: 'hazir' }); }
};
