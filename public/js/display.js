// The "now serving" screen shows one language at a time, in turn; without script all are shown.
(function () {
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
