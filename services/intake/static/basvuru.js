// The form's district list and the district's outages (templates/basvuru.html); served as a file, not
// inline, so the pages' CSP allows only the service's own scripts.
(function () {
  // The district list offers only the chosen province's districts, and
  // none before a province is chosen.
  var il = document.getElementById('il'), ilce = document.getElementById('ilce');
  function narrow() {
    var groups = ilce.querySelectorAll('optgroup');
    for (var i = 0; i < groups.length; i++) {
      var show = groups[i].getAttribute('data-il') === il.value;
      groups[i].hidden = !show; groups[i].disabled = !show;
    }
    ilce.disabled = !il.value;
  }
  il.addEventListener('change', function () { ilce.value = ''; narrow(); outages(); });
  narrow();

  // The outages announced in the chosen district, from the app API, shown
  // before the citizen writes (GET /v1/outages: public, cached a minute).
  var box = document.getElementById('kesinti'), asked = 0;
  function outages() {
    var n = ++asked;
    box.hidden = true;
    box.textContent = '';
    if (!il.value || !ilce.value || !window.fetch) { return; }
    var url = '/v1/outages?province=' + encodeURIComponent(il.value) +
      '&district=' + encodeURIComponent(ilce.value) + '&lang=' + box.getAttribute('data-dil');
    fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { outages: [] }; })
      .then(function (body) {
        if (n !== asked || !body.outages.length) { return; }
        var head = document.createElement('p');
        head.textContent = box.getAttribute('data-baslik');
        box.appendChild(head);
        body.outages.forEach(function (o) {
          var p = document.createElement('p'), strong = document.createElement('strong');
          strong.textContent = o.notice;
          p.appendChild(strong);
          var places = o.areas.map(function (a) {
            return a.neighbourhoods.length ? a.district + ': ' + a.neighbourhoods.join(', ') : a.district;
          }).join('; ');
          p.appendChild(document.createTextNode(' ' + o.title + ' (' + places + '). ' + o.text));
          box.appendChild(p);
        });
        var all = document.createElement('a');
        all.href = '/kesintiler?il=' + encodeURIComponent(il.value);
        all.textContent = box.getAttribute('data-tumu');
        box.appendChild(all);
        box.hidden = false;
      })
      .catch(function () {});
  }
  ilce.addEventListener('change', outages);
  outages();
})();
