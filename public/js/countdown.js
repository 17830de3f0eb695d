// Progressive enhancement for the status page: a live countdown. The page works without it
// (it refreshes itself every minute).
(function () {
  var el = document.getElementById('countdown');
  if (!el) return;
  var end = Date.now() + Number(el.getAttribute('data-seconds')) * 1000;
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function tick() {
    var s = Math.max(0, Math.round((end - Date.now()) / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    el.textContent = (h ? h + ':' + pad(m) : String(m)) + ':' + pad(sec);
    if (s === 0) { window.location.reload(); return; }
    setTimeout(tick, 1000);
  }
  tick();
})();
