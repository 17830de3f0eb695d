// Progressive enhancement for the pass sheet: a Print button (the browser's own Print works without it).
(function () {
  var button = document.getElementById('print-sheet');
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    window.print();
  });
})();
