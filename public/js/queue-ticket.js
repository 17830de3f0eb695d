// Progressive enhancement for the ticket page: the position and wait update by themselves every
// 15 seconds, in place (announced politely). Without script, the "Update" link does the same.
(function () {
  var box = document.getElementById('ticket-state');
  if (!box || !window.fetch) return;
  var src = box.getAttribute('data-src');
  function render(lines) {
    while (box.firstChild) box.removeChild(box.firstChild);
    for (var i = 0; i < lines.length; i++) {
      var p = document.createElement('p');
      p.className = 'lead';
      p.textContent = lines[i];
      box.appendChild(p);
    }
  }
  function poll() {
    window.fetch(src, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.gone) { render([body.text]); return; }
        render(body.lines);
        setTimeout(poll, 15000);
      })
      .catch(function () { setTimeout(poll, 30000); });
  }
  setTimeout(poll, 15000);
})();
