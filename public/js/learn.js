// Progressive enhancement for the lessons: quizzes are marked in the browser (the answers never
// leave the device), and progress is kept in this browser's localStorage only. Without this
// script the quiz form is marked by the server, which keeps nothing.
(function () {
  var KEY = 'threshold-learn';

  function load() {
    try {
      var data = JSON.parse(window.localStorage.getItem(KEY) || '{}');
      return data && typeof data === 'object' ? data : {};
    } catch {
      return {};
    }
  }
  function save(data) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(data));
    } catch {
      // Storage may be off (private mode, kiosk policy): the page works the same without it.
    }
  }
  function fill(text, vars) {
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m;
    });
  }
  function record(id, update) {
    var data = load();
    var entry = data[id] || {};
    for (var k in update) entry[k] = update[k];
    data[id] = entry;
    save(data);
  }

  // A lesson page: remember it was opened, and mark its quiz here.
  var form = document.querySelector('form.quiz-form');
  var result = document.getElementById('result');
  if (form && result) {
    var id = form.getAttribute('data-lesson');
    var questions = form.querySelectorAll('fieldset.question');
    record(id, { seen: true });
    if (result.hasAttribute('data-score')) {
      // The server marked this quiz (the script was not running when it was sent).
      record(id, { score: Number(result.getAttribute('data-score')), total: Number(result.getAttribute('data-total')) });
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var score = 0;
      var answers = [];
      for (var i = 0; i < questions.length; i++) {
        var q = questions[i];
        var picked = q.querySelector('input[type=radio]:checked');
        var value = picked ? Number(picked.value) : 0;
        var mark = value === 0 ? 'unanswered' : value === Number(q.getAttribute('data-answer')) ? 'right' : 'wrong';
        if (mark === 'right') score++;
        answers.push(value);
        q.classList.remove('right', 'wrong', 'unanswered');
        q.classList.add(mark);
        q.querySelector('.mark').textContent = form.getAttribute('data-' + mark);
        q.querySelector('.feedback').hidden = false;
      }
      var text = fill(result.getAttribute('data-score-text'), { score: score, total: questions.length });
      if (score === questions.length) text += ' ' + result.getAttribute('data-all-right');
      result.querySelector('.score').textContent = text;
      result.hidden = false;
      result.focus();
      record(id, { score: score, total: questions.length, answers: answers });
    });
  }

  // The list of lessons: show what this device has done, and offer to forget it.
  var list = document.querySelector('ol.lessons');
  if (list) {
    var data = load();
    var any = false;
    var cards = list.querySelectorAll('li[data-lesson]');
    for (var j = 0; j < cards.length; j++) {
      var entry = data[cards[j].getAttribute('data-lesson')];
      if (!entry) continue;
      var p = cards[j].querySelector('.progress');
      p.textContent = typeof entry.score === 'number'
        ? fill(list.getAttribute('data-score'), { score: entry.score, total: entry.total })
        : list.getAttribute('data-seen');
      p.hidden = false;
      any = true;
    }
    var forget = document.querySelector('.forget');
    if (forget && any) {
      forget.hidden = false;
      document.getElementById('forget').addEventListener('click', function () {
        try {
          window.localStorage.removeItem(KEY);
        } catch {
          // nothing stored
        }
        var shown = list.querySelectorAll('.progress');
        for (var k = 0; k < shown.length; k++) shown[k].hidden = true;
        var status = document.getElementById('forget-status');
        status.textContent = status.getAttribute('data-done');
      });
    }
  }
})();
