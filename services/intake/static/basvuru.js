// The form's district list, the district's outages and neighbourhoods, and the "use my location"
// button (templates/basvuru.html); served as a file, not
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
  il.addEventListener('change', function () { ilce.value = ''; mahalle.value = ''; narrow(); outages(); neighbourhoods(); });
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

  // The chosen district's neighbourhoods offered in the neighbourhood
  // field (GET /v1/neighbourhoods); the page already lists them when it
  // comes back with a district chosen. Typing any spelling still works.
  var list = document.getElementById('mahalleler'), mahalle = document.getElementById('mahalle'), listed = 0;
  function neighbourhoods() {
    var n = ++listed;
    list.textContent = '';
    if (!il.value || !ilce.value || !window.fetch) { return; }
    var url = '/v1/neighbourhoods?province=' + encodeURIComponent(il.value) +
      '&district=' + encodeURIComponent(ilce.value);
    fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { neighbourhoods: [] }; })
      .then(function (body) {
        if (n !== listed) { return; }
        body.neighbourhoods.forEach(function (name) {
          var o = document.createElement('option');
          o.value = name;
          list.appendChild(o);
        });
      })
      .catch(function () {});
  }
  ilce.addEventListener('change', function () { mahalle.value = ''; neighbourhoods(); });

  // "Use my location": the browser's point into the hidden fields, shown
  // in words; removable. Without a script (or geolocation) the button
  // stays hidden and the form is sent without a point.
  var lat = document.getElementById('enlem'), lon = document.getElementById('boylam'),
    use = document.getElementById('konum-kullan'), drop = document.getElementById('konum-kaldir'),
    said = document.getElementById('konum-durum');
  function showPoint() { drop.hidden = !lat.value && !lon.value; }
  if (navigator.geolocation) {
    use.hidden = false;
    use.addEventListener('click', function () {
      navigator.geolocation.getCurrentPosition(function (p) {
        lat.value = p.coords.latitude.toFixed(6);
        lon.value = p.coords.longitude.toFixed(6);
        said.textContent = said.getAttribute('data-alindi')
          .replace('{lat}', lat.value).replace('{lon}', lon.value);
        showPoint();
      }, function () {
        said.textContent = said.getAttribute('data-alinamadi');
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
  drop.addEventListener('click', function () {
    lat.value = ''; lon.value = ''; said.textContent = ''; showPoint(); use.focus();
  });
  showPoint();
})();
