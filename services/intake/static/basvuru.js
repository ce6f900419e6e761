// The form's district list (templates/basvuru.html); served as a file, not
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
  il.addEventListener('change', function () { ilce.value = ''; narrow(); });
  narrow();
})();
