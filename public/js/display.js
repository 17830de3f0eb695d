// The "now serving" screen: reloads itself every few seconds, and shows one language at a time, in
// turn, when the page holds several (without script, all are shown and ?refresh=meta reloads it).
(function () {
  var refresh = document.getElementById('display-refresh');
  if (refresh) setTimeout(function () { window.location.reload(); }, Number(refresh.getAttribute('data-seconds')) * 1000);
  var boards = document.querySelectorAll('[data-turn]');
  if (boards.length < 2) return;
  document.documentElement.className = 'rotating';
  var i = 0;
  function show() {
    for (var j = 0; j < boards.length; j++) boards[j].hidden = j !== i;
    document.documentElement.lang = boards[i].getAttribute('lang');
    document.documentElement.dir = boards[i].getAttribute('dir');
    i = (i + 1) % boards.length;
  }
  show();
  window.setInterval(show, 5000);
})();
