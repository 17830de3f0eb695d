// Progressive enhancement for the status page: a live countdown that shows the warning when its
// time comes and reloads at the end. Without it the page shows the end time and an "Update"
// link: it never reloads itself on a timer, which WCAG 2.2.1 would not allow.
(function () {
  var el = document.getElementById('countdown');
  if (!el) return;
  var end = Date.now() + Number(el.getAttribute('data-seconds')) * 1000;
  var warnAt = end - Number(el.getAttribute('data-warning-seconds') || 0) * 1000;
  var warning = document.getElementById('warning');
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function tick() {
    var s = Math.max(0, Math.round((end - Date.now()) / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    el.textContent = (h ? h + ':' + pad(m) : String(m)) + ':' + pad(sec);
    if (warning && warning.hidden && Date.now() >= warnAt && warnAt < end) warning.hidden = false;
    if (s === 0) { window.location.reload(); return; }
    setTimeout(tick, 1000);
  }
  tick();
})();
