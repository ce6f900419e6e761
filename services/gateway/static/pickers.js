// The province and district pickers of the staff entry forms: the district
// list offers only the chosen province's districts, and none before a
// province is chosen, as on the citizen's form. Without scripts every
// district shows, grouped under its province.
(function () {
  // The district list offers only the chosen province's districts, and
  // none before a province is chosen (as on the citizen's form).
  var il = document.getElementById('il'), ilce = document.getElementById('ilce');
  function narrow() {
    var groups = ilce.querySelectorAll('optgroup');
    for (var i = 0; i < groups.length; i++) {
      var show = groups[i].getAttribute('data-il') === il.value;
      groups[i].hidden = !show; groups[i].disabled = !show;
    }
    ilce.options[0].text = il.value ? ilce.getAttribute('data-bos') : ilce.getAttribute('data-once-il');
    ilce.disabled = !il.value;
  }
  il.addEventListener('change', function () { ilce.value = ''; narrow(); });
  narrow();
})();
