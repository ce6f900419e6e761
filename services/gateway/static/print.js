// The receipt's "Yazdır" button opens the browser's print dialogue; the
// receipt stylesheet prints the receipt alone.
document.addEventListener("DOMContentLoaded", function () {
  var b = document.getElementById("yazdir");
  if (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  }
});
