// The desk's keyboard shortcuts (the help overlay lists them, in the page's
// language, from the server-rendered #kisayollar): "?" help, "/" search,
// "g l" the list, "g h" the start page, "j"/"k" move along a list's rows,
// "Enter" opens the selected one (it is a focused link), "n" next record,
// "c" claim, "a" the official answer box. Nothing fires while a person
// types in a box, except Escape. Every action is also a link or a button
// reachable with Tab and Enter: the script only saves keystrokes.
(function () {
  var help = document.getElementById('kisayollar');
  var pending = '';
  var pendingTimer = null;

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
  }

  function toggleHelp(open) {
    if (!help) return;
    var show = open === undefined ? help.hidden : open;
    help.hidden = !show;
    if (show) {
      help.focus();
    }
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('table.liste a.satir'));
  }

  function move(step) {
    var links = rows();
    if (!links.length) return;
    var i = links.indexOf(document.activeElement);
    i = i < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, i + step));
    var old = document.querySelector('tr.secili');
    if (old) old.classList.remove('secili');
    var row = links[i].closest('tr');
    if (row) row.classList.add('secili');
    links[i].focus();
  }

  function go(selector) {
    var el = document.querySelector(selector);
    if (el && el.href) {
      window.location.href = el.href;
      return true;
    }
    return false;
  }

  function claim() {
    var button = document.querySelector('[data-kisayol="al"]');
    if (button) {
      button.click();
      return;
    }
    // On a list: the selected row's box, then the claim button.
    var row = document.querySelector('tr.secili');
    var box = row && row.querySelector('input[type=checkbox][name=case_id]');
    var submit = box && box.form && box.form.querySelector('button[type=submit]');
    if (box && submit) {
      box.checked = true;
      submit.click();
    }
  }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') {
      if (help && !help.hidden) {
        toggleHelp(false);
        e.preventDefault();
      } else if (typing(document.activeElement)) {
        document.activeElement.blur();
      }
      return;
    }
    if (typing(e.target)) return;
    if (pending === 'g') {
      pending = '';
      clearTimeout(pendingTimer);
      if (e.key === 'l') {
        // The list the record came from, else the role's first screen.
        if (!go('[data-kisayol="liste"]') && !go('nav.masa a')) go('a[data-yol]');
        e.preventDefault();
        return;
      }
      if (e.key === 'h') {
        window.location.href = '/';
        e.preventDefault();
        return;
      }
    }
    switch (e.key) {
      case '?':
        toggleHelp();
        break;
      case '/':
        var search = document.getElementById('ara-q');
        if (!search) return;
        search.focus();
        break;
      case 'g':
        pending = 'g';
        pendingTimer = setTimeout(function () { pending = ''; }, 1500);
        break;
      case 'j':
        move(1);
        break;
      case 'k':
        move(-1);
        break;
      case 'n':
        if (!go('[data-kisayol="sonraki"]')) return;
        break;
      case 'c':
        claim();
        break;
      case 'a':
        var answer = document.getElementById('aciklama');
        if (!answer) return;
        answer.focus();
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  if (help) {
    var close = help.querySelector('button');
    if (close) close.addEventListener('click', function () { toggleHelp(false); });
  }
  var opener = document.getElementById('kisayol-yardimi');
  if (opener) {
    opener.addEventListener('click', function (e) {
      e.preventDefault();
      toggleHelp();
    });
  }
})();
