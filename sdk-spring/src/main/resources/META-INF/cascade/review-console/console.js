// Cascade reviewer console. Everything shown comes from the review API and is untrusted text (model output, user
// input): it is only ever put in the page with textContent or as an attribute value, never parsed as HTML. Invisible
// and direction-changing characters in it are shown as markers (see visible()), so that text cannot pretend to be
// something else (a right-to-left override turns "gnp.exe" into what reads as "exe.png").
//
// The queue and the open item refresh on their own (polling with ETags: an unchanged answer is a 304 with no body);
// the lease of an item the reviewer holds counts down, renews while the reviewer is active, and warns before it lapses.
'use strict';

(function () {
  var API = new URL('../api/', document.baseURI).href;
  var PAGE_SIZE = 50;
  var OPEN_STATES = ['PENDING', 'CLAIMED', 'ESCALATED'];
  var ALL_STATES = OPEN_STATES.concat(['APPROVED', 'EDITED', 'REJECTED', 'EXPIRED']);

  var session = null;
  var current = null;          // the open item, as last read
  var currentTag = null;       // its ETag
  var page = null;             // the queue page shown
  var pageTag = null;          // its ETag
  var cursors = [null];        // cursor of each page walked so far: cursors[i] is page i + 1's
  var pageIndex = 0;
  var selected = -1;           // keyboard selection in the queue
  var skew = 0;                // server clock - browser clock, ms (from the Date header)
  var lastActivity = 0;        // when the reviewer last typed, clicked or pressed a key
  var lastRenew = 0;           // when the console last renewed (or claimed) the open item
  var renewing = false;
  var rejectArmed = false;     // "r" was pressed: Ctrl+Enter in the comment rejects
  var pollTimer = null;

  function $(id) {
    return document.getElementById(id);
  }

  // Control (Cc) and format (Cf) characters, line/paragraph separators, and the bidi and zero-width ones among them
  // (U+200B-U+200F, U+202A-U+202E, U+2060-U+2069, U+FEFF, ...); tab, line feed and carriage return stay as they are.
  var INVISIBLE = /(?![\t\n\r])[\p{Cc}\p{Cf}\u2028\u2029]/gu;

  // The text with each invisible or bidi control character replaced by a visible marker, e.g. ⟨U+202E⟩.
  function visible(text) {
    if (text === null || text === undefined) {
      return text;
    }
    return String(text).replace(INVISIBLE, function (c) {
      var hex = c.codePointAt(0).toString(16).toUpperCase();
      return '\u27E8U+' + ('0000' + hex).slice(-Math.max(4, hex.length)) + '\u27E9';
    });
  }

  function setText(id, text) {
    $(id).textContent = text === null || text === undefined || text === '' ? '—' : visible(String(text));
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = visible(String(text));
    }
    return e;
  }

  function cell(row, text, className, title) {
    var td = el('td', className, text === null || text === undefined ? '' : text);
    if (title) {
      td.title = visible(title);
    }
    row.appendChild(td);
    return td;
  }

  function now() {
    return Date.now() + skew;
  }

  function when(iso) {
    if (!iso) {
      return '';
    }
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }

  // A short duration: 45s, 12m, 3h 05m, 2d 4h.
  function span(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) {
      return s + 's';
    }
    var m = Math.floor(s / 60);
    if (m < 60) {
      return m + 'm';
    }
    var h = Math.floor(m / 60);
    if (h < 48) {
      return h + 'h ' + ('0' + (m % 60)).slice(-2) + 'm';
    }
    return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }

  // m:ss, for a lease.
  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ':' + ('0' + (s % 60)).slice(-2);
  }

  function say(text, isError) {
    var m = $('message');
    m.textContent = visible(text || '');
    m.className = isError ? 'error' : '';
  }

  function call(method, path, body, etag) {
    // X-Requested-With: Spring Security answers such calls with 401 rather than a login redirect (with HTTP Basic
    // configured), and without Spring Security it is the review API's CSRF defence.
    var headers = { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
    if (method !== 'GET' && session && session.csrfHeader) {
      headers[session.csrfHeader] = session.csrfToken;
    }
    if (etag) {
      headers['If-None-Match'] = etag;
    }
    var init = { method: method, headers: headers, credentials: 'same-origin', redirect: 'error', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(API + path, init).then(function (res) {
      var date = Date.parse(res.headers.get('Date') || '');
      if (!isNaN(date)) {
        skew = date - Date.now();
      }
      if (res.status === 204 || res.status === 304) {
        return { status: res.status, data: null, etag: res.headers.get('ETag') };
      }
      var type = res.headers.get('Content-Type') || '';
      var parsed = type.indexOf('json') >= 0 ? res.json() : Promise.resolve(null);
      return parsed.then(function (data) {
        if (!res.ok) {
          var err = new Error(data && data.detail ? data.detail : res.status + ' ' + res.statusText);
          err.status = res.status;
          err.reason = data && data.reason;
          throw err;
        }
        return { status: res.status, data: data, etag: res.headers.get('ETag') };
      });
    });
  }

  function data(r) {
    return r ? r.data : null;
  }

  function fail(err) {
    if (err && (err.status === 401 || err instanceof TypeError)) {
      // TypeError: fetch refused a redirect (to the login page) or the network failed.
      say('Signed out, or the server cannot be reached: reload the page to sign in again.', true);
      $('live').classList.add('stale');
      return;
    }
    var prefix = err && err.reason ? err.reason + ': ' : '';
    say(prefix + (err && err.message ? err.message : String(err)), true);
  }

  // ---- queue ----

  function filterParams() {
    var params = new URLSearchParams();
    var state = $('filter-state').value;
    if (state === 'open') {
      OPEN_STATES.forEach(function (s) { params.append('state', s); });
    } else if (state) {
      params.append('state', state);
    }
    [['filter-chain', 'chain'], ['filter-step', 'step'], ['filter-tenant', 'tenant'], ['filter-claimed', 'claimedBy'],
      ['filter-q', 'q']].forEach(function (f) {
      var v = $(f[0]).value.trim();
      if (v) {
        params.append(f[1], v);
      }
    });
    return params;
  }

  function queuePath() {
    var params = filterParams();
    params.append('sort', $('filter-sort').value);
    params.append('limit', String(PAGE_SIZE));
    if (cursors[pageIndex]) {
      params.append('cursor', cursors[pageIndex]);
    }
    return 'items?' + params.toString();
  }

  function loadQueue(poll) {
    return call('GET', queuePath(), undefined, poll ? pageTag : null).then(function (r) {
      $('live').classList.remove('stale');
      if (r.status === 304) {
        refreshTimes(); // nothing changed but the clock: ages and countdowns, rows (and focus) stay
        return;
      }
      pageTag = r.etag;
      page = r.data;
      renderQueue();
    }).catch(function (err) {
      if (poll) {
        $('live').classList.add('stale');
        return;
      }
      fail(err);
    });
  }

  function resetPaging() {
    cursors = [null];
    pageIndex = 0;
    selected = -1;
    pageTag = null;
  }

  function renderQueue() {
    renderCounts(page.counts || {});
    renderRows();
    var total = countOf(page.counts || {});
    var first = page.items.length ? pageIndex * PAGE_SIZE + 1 : 0;
    $('page-info').textContent = 'Page ' + (pageIndex + 1) + ' · ' + first + '–' + (pageIndex * PAGE_SIZE
        + page.items.length) + ' of ' + total.toLocaleString() + ' matching';
    $('first-page').disabled = pageIndex === 0;
    $('prev-page').disabled = pageIndex === 0;
    $('next-page').disabled = !page.nextCursor;
  }

  // The number of items the page's states select, from the counts per state.
  function countOf(counts) {
    var state = $('filter-state').value;
    var states = state === 'open' ? OPEN_STATES : state ? [state] : ALL_STATES;
    return states.reduce(function (sum, s) { return sum + (counts[s] || 0); }, 0);
  }

  function renderCounts(counts) {
    var box = $('counts');
    box.replaceChildren();
    var chosen = $('filter-state').value;
    var openTotal = OPEN_STATES.reduce(function (sum, s) { return sum + (counts[s] || 0); }, 0);
    var entries = [['open', 'Open', openTotal]];
    ALL_STATES.forEach(function (s) {
      entries.push([s, s.charAt(0) + s.slice(1).toLowerCase(), counts[s] || 0]);
    });
    entries.forEach(function (e) {
      var b = el('button', 'count', e[1] + ' ' + e[2].toLocaleString());
      b.type = 'button';
      b.dataset.state = e[0];
      b.setAttribute('aria-pressed', String(chosen === e[0]));
      b.addEventListener('click', function () {
        $('filter-state').value = e[0];
        resetPaging();
        loadQueue(false);
      });
      box.appendChild(b);
    });
  }

  function dueText(item, t) {
    var due = item.dueAt ? Date.parse(item.dueAt) : NaN;
    if (isNaN(due)) {
      return '';
    }
    if (OPEN_STATES.indexOf(item.state) < 0) {
      return when(item.dueAt);
    }
    return due <= t ? 'overdue ' + span(t - due) : 'in ' + span(due - t);
  }

  function isOverdue(item, t) {
    var due = item.dueAt ? Date.parse(item.dueAt) : NaN;
    return OPEN_STATES.indexOf(item.state) >= 0 && !isNaN(due) && due <= t;
  }

  function refreshTimes() {
    if (!page) {
      return;
    }
    var t = now();
    Array.prototype.forEach.call($('queue').tBodies[0].rows, function (row, index) {
      var item = page.items[index];
      if (!item || row.dataset.id !== item.id) {
        return;
      }
      var created = Date.parse(item.createdAt);
      row.querySelector('td.age').textContent = isNaN(created) ? '' : span(t - created);
      row.querySelector('td.due').textContent = dueText(item, t);
      row.classList.toggle('overdue', isOverdue(item, t));
    });
  }

  function renderRows() {
    if (!page) {
      return;
    }
    var body = $('queue').tBodies[0];
    body.replaceChildren();
    var t = now();
    page.items.forEach(function (item, index) {
      var row = document.createElement('tr');
      row.dataset.id = item.id;
      var classes = [];
      if (isOverdue(item, t)) {
        classes.push('overdue');
      }
      if (item.escalated) {
        classes.push('escalated');
      }
      if (index === selected) {
        classes.push('selected');
      }
      if (current && current.id === item.id) {
        classes.push('open-item');
      }
      row.className = classes.join(' ');
      cell(row, item.priority, 'pri');
      var itemCell = el('td', 'item');
      var link = el('button', 'open-link');
      link.type = 'button';
      link.appendChild(el('span', 'preview', item.preview || item.id));
      link.title = visible(item.preview || '') + '\n' + item.id;
      link.addEventListener('click', function (ev) {
        ev.stopPropagation();
        selected = index;
        openItem(item.id);
      });
      itemCell.appendChild(link);
      var sub = el('div', 'sub');
      sub.appendChild(el('span', 'chain', item.chain + ' / ' + item.step));
      if (item.tenant) {
        sub.appendChild(document.createTextNode(' · '));
        sub.appendChild(el('span', 'tenant', item.tenant));
      }
      sub.title = visible(item.chain + ' / ' + item.step + (item.tenant ? ' · ' + item.tenant : ''));
      itemCell.appendChild(sub);
      row.appendChild(itemCell);
      var created = Date.parse(item.createdAt);
      cell(row, isNaN(created) ? '' : span(t - created), 'age', when(item.createdAt));
      cell(row, dueText(item, t), 'due', item.dueAt ? when(item.dueAt) : 'no SLA');
      cell(row, item.state.toLowerCase() + (item.escalated && item.state !== 'ESCALATED' ? ' ⚑' : ''), 'state',
          item.escalated ? 'escalated' : item.state);
      cell(row, item.claimedBy || '', 'claimed', item.claimedBy || '');
      row.addEventListener('click', function () {
        selected = index;
        openItem(item.id);
      });
      body.appendChild(row);
    });
  }

  function moveSelection(delta) {
    if (!page || page.items.length === 0) {
      return;
    }
    selected = Math.max(0, Math.min(page.items.length - 1, (selected < 0 ? -delta : selected) + delta));
    renderRows();
    var row = $('queue').tBodies[0].rows[selected];
    if (row) {
      row.scrollIntoView({ block: 'nearest' });
    }
  }

  // ---- one item ----

  function openItem(id) {
    return call('GET', 'items/' + encodeURIComponent(id)).then(function (r) {
      say('');
      currentTag = r.etag;
      renderItem(r.data);
    }).catch(fail);
  }

  function proposedAnswer(item) {
    return item.proposedAnswer === null || item.proposedAnswer === undefined ? null : item.proposedAnswer;
  }

  function renderItem(item) {
    var previous = current;
    current = item;
    $('detail-empty').hidden = true;
    $('detail-body').hidden = false;
    setText('detail-title', item.chain + ' · ' + item.id);
    var state = $('detail-state');
    state.textContent = item.state + (item.escalated && item.state !== 'ESCALATED' ? ' (escalated)' : '');
    state.className = 'badge ' + item.state;
    setText('detail-chain', item.chain + ' / ' + item.step);
    setText('detail-tenant', item.tenant);
    setText('detail-priority', item.priority);
    setText('detail-created', when(item.createdAt));
    setText('detail-due', when(item.dueAt));
    setText('detail-claimed', item.claimedBy ? item.claimedBy + (item.heldByYou ? ' (you)' : '') : '');
    setText('detail-lease', when(item.leaseUntil));
    setText('detail-cost', '$' + item.cost);
    setText('detail-version', item.version);

    var link = $('trace-link');
    if (item.traceUrl && /^https?:\/\//i.test(item.traceUrl)) {
      link.href = item.traceUrl;
      link.title = 'Trace ' + item.traceId;
      link.hidden = false;
      $('trace-none').hidden = true;
    } else {
      link.removeAttribute('href');
      link.hidden = true;
      $('trace-none').hidden = false;
    }

    $('detail-input').textContent = visible(item.input);
    var hidden = new RegExp(INVISIBLE.source, 'u');
    if (!previous || previous.id !== item.id) {
      if (hidden.test(item.input || '') || item.attempts.some(function (a) { return hidden.test(a.answer || ''); })) {
        // The answer box keeps the exact text (an approval must match it): warn that it holds such characters.
        say('This item contains invisible or direction-changing characters, shown as \u27E8U+\u2026\u27E9 markers.',
            true);
      }
    }
    renderCandidates(item);
    renderAttempts(item.attempts);
    renderAudit(item.audit);

    var decided = item.verdict !== null && item.verdict !== undefined;
    $('decided').hidden = !decided;
    if (decided) {
      $('decided-summary').textContent = visible(item.verdict + ' by ' + item.decidedBy + ' at '
          + when(item.decidedAt));
      $('decided-answer').textContent = item.answer === null ? '(no answer)' : visible(item.answer);
      $('decided-comment').textContent = item.comment ? 'Comment: ' + visible(item.comment) : '';
    }
    $('decision').hidden = decided;
    if (!previous || previous.id !== item.id) {
      // A new item: its proposed answer. The same item again (a refresh, a lost race): the reviewer's text stays.
      $('answer').value = proposedAnswer(item) === null ? '' : proposedAnswer(item);
      $('comment').value = '';
      rejectArmed = false;
      lastRenew = Date.now();
    }
    var held = item.heldByYou === true;
    $('claim').disabled = decided || held;
    $('claim').textContent = held ? 'Claimed by you' : 'Claim (c)';
    $('release').disabled = !held;
    $('approve').disabled = !held || proposedAnswer(item) === null;
    $('submit-edit').disabled = !held;
    $('reject').disabled = !held;
    $('renew').hidden = !held;
    Array.prototype.forEach.call(document.querySelectorAll('.use-answer, .approve-answer'), function (b) {
      b.disabled = !held && b.classList.contains('approve-answer');
    });
    tickLease();
    renderRows();
  }

  function renderCandidates(item) {
    var list = $('candidates');
    list.replaceChildren();
    var proposed = proposedAnswer(item);
    var withAnswers = item.attempts.filter(function (a) { return a.answer !== null && a.answer !== undefined; });
    if (withAnswers.length === 0) {
      list.appendChild(el('li', 'candidate-head', 'No model answer: write one, or reject.'));
      return;
    }
    withAnswers.forEach(function (a, i) {
      var li = el('li', 'candidate');
      var last = i === withAnswers.length - 1 && a.answer === proposed;
      li.appendChild(el('div', 'candidate-head', a.step + (a.model ? ' · ' + a.model : '') + ' · '
          + a.status.toLowerCase() + (a.reason ? ': ' + a.reason : '') + (last ? ' · proposed' : '')));
      var pre = el('pre', 'text attempt-answer', a.answer);
      li.appendChild(pre);
      var approve = el('button', 'approve-answer', 'Approve this answer');
      approve.type = 'button';
      approve.addEventListener('click', function () {
        decide('APPROVED', a.answer, $('comment').value.trim());
      });
      li.appendChild(approve);
      var use = el('button', 'use-answer', 'Edit from this answer');
      use.type = 'button';
      use.addEventListener('click', function () {
        $('answer').value = a.answer;
        $('answer').focus();
      });
      li.appendChild(document.createTextNode(' '));
      li.appendChild(use);
      list.appendChild(li);
    });
  }

  function renderAttempts(attempts) {
    var list = $('detail-attempts');
    list.replaceChildren();
    var errors = 0;
    attempts.forEach(function (a) {
      var li = document.createElement('li');
      li.appendChild(el('div', 'attempt-head', a.step + ' (' + a.kind.toLowerCase() + ') attempt ' + a.number + ': '
          + a.status + (a.failure ? ' — ' + a.failure : '')));
      var parts = [];
      if (a.reason) {
        parts.push(a.reason);
      }
      if (a.model) {
        parts.push('model ' + a.model);
      }
      parts.push('$' + a.cost);
      parts.push(a.latencyMillis + ' ms');
      li.appendChild(el('div', 'attempt-reason', parts.join(' · ')));
      if (a.status !== 'SUCCEEDED') {
        errors++;
      }
      list.appendChild(li);
    });
    $('attempts-summary').textContent = 'Attempts and model errors (' + attempts.length + ' attempts, ' + errors
        + ' failed or refused)';
  }

  function renderAudit(entries) {
    var body = $('detail-audit').tBodies[0];
    body.replaceChildren();
    entries.forEach(function (e) {
      var row = document.createElement('tr');
      cell(row, e.seq);
      cell(row, when(e.at));
      cell(row, e.from || '');
      cell(row, e.to);
      cell(row, e.actor);
      cell(row, e.version);
      cell(row, e.detail || '');
      body.appendChild(row);
    });
    $('audit-summary').textContent = 'Audit log (' + entries.length + ' entries)';
  }

  // ---- lease ----

  function leaseMillis() {
    return (session ? session.leaseSeconds : 900) * 1000;
  }

  // Warn this long before a lease lapses: a quarter of it, between 2 s and 2 minutes... at least 40% for short ones.
  function warnMillis() {
    return Math.min(120000, Math.max(leaseMillis() * 0.4, 2000));
  }

  function tickLease() {
    var lease = $('lease');
    var item = current;
    if (!item || item.state !== 'CLAIMED' || !item.leaseUntil) {
      lease.textContent = '';
      lease.className = 'lease';
      delete lease.dataset.until;
      return;
    }
    var until = Date.parse(item.leaseUntil);
    var left = until - now();
    lease.dataset.until = item.leaseUntil;
    if (!item.heldByYou && item.claimedBy !== (session && session.reviewer)) {
      lease.textContent = 'Claimed by ' + visible(item.claimedBy) + ': ' + (left > 0 ? clock(left) + ' left'
          : 'lease lapsed');
      lease.className = 'lease';
      return;
    }
    if (left <= 0) {
      lease.textContent = 'Your claim lapsed: claim it again to decide (your text is kept)';
      lease.className = 'lease lapsed';
      ['approve', 'submit-edit', 'reject', 'release'].forEach(function (id) { $(id).disabled = true; });
      $('claim').disabled = false;
      $('claim').textContent = 'Claim again (c)';
      $('renew').hidden = true;
      return;
    }
    // Renew while the reviewer is active: once half the lease is gone, if they did anything since the last renewal.
    if (left < leaseMillis() / 2 && lastActivity > lastRenew && !renewing) {
      renew(false);
    }
    if (left <= warnMillis()) {
      lease.textContent = 'Your claim lapses in ' + clock(left) + ': press any key or Renew to keep it';
      lease.className = 'lease warning';
    } else {
      lease.textContent = 'Your claim: ' + clock(left) + ' left';
      lease.className = 'lease';
    }
  }

  function renew(explicit) {
    if (!current) {
      return;
    }
    renewing = true;
    var id = current.id;
    call('POST', 'items/' + encodeURIComponent(id) + '/renew').then(function (r) {
      lastRenew = Date.now();
      if (current && current.id === id) {
        currentTag = null;
        renderItem(r.data);
      }
      if (explicit) {
        say('Lease renewed until ' + when(r.data.leaseUntil) + '.');
      }
    }).catch(function (err) {
      lastRenew = Date.now();
      fail(err);
    }).then(function () {
      renewing = false;
    });
  }

  // ---- actions ----

  function act(promise, done) {
    return promise.then(function (r) {
      var item = data(r);
      if (item) {
        currentTag = null;
        lastRenew = Date.now();
        renderItem(item);
      }
      say(done(item));
      pageTag = null;
      return loadQueue(false);
    }).catch(function (err) {
      fail(err);
      if (current) {
        // Show what the item is now (another reviewer, a lease expiry...), keeping the error and the typed text.
        return call('GET', 'items/' + encodeURIComponent(current.id)).then(function (r) {
          currentTag = r.etag;
          renderItem(r.data);
        }).catch(function () {});
      }
      return null;
    });
  }

  function decide(verdict, answer, comment) {
    if (!current) {
      return null;
    }
    var body = { verdict: verdict, version: current.version, payloadHash: current.payloadHash };
    if (answer !== undefined) {
      body.answer = answer;
    }
    if (comment) {
      body.comment = comment;
    }
    return act(call('POST', 'items/' + encodeURIComponent(current.id) + '/decision', body), function (item) {
      return 'Decided ' + item.id + ': ' + item.state + '. Press n for the next item.';
    });
  }

  function claimNext() {
    var params = filterParams();
    params.delete('state');
    params.delete('q');
    params.delete('claimedBy');
    params.delete('step');
    return act(call('POST', 'claim-next?' + params.toString()), function (item) {
      return item ? 'Claimed ' + item.id + '.' : 'Nothing to claim.';
    });
  }

  function claim() {
    if (current) {
      act(call('POST', 'items/' + encodeURIComponent(current.id) + '/claim'), function (item) {
        return 'Claimed ' + item.id + ' until ' + when(item.leaseUntil) + '.';
      });
    }
  }

  function approve() {
    if (current && !$('approve').disabled) {
      decide('APPROVED', undefined, $('comment').value.trim());
    }
  }

  function sendEdit() {
    if (!current || $('submit-edit').disabled) {
      return;
    }
    var answer = $('answer').value;
    if (!answer.trim()) {
      say('Write an answer first.', true);
      return;
    }
    decide('EDITED', answer, $('comment').value.trim());
  }

  function reject() {
    if (!current || $('reject').disabled) {
      return;
    }
    var comment = $('comment').value.trim();
    if (!comment) {
      say('Say why in the comment, then press Ctrl+Enter (or Reject) to reject.', true);
      $('comment').focus();
      return;
    }
    decide('REJECTED', undefined, comment);
  }

  function release() {
    if (current && !$('release').disabled) {
      act(call('POST', 'items/' + encodeURIComponent(current.id) + '/release'), function (item) {
        return 'Released ' + item.id + '.';
      });
    }
  }

  // ---- live ----

  function poll() {
    loadQueue(true);
    if (current) {
      var id = current.id;
      call('GET', 'items/' + encodeURIComponent(id), undefined, currentTag).then(function (r) {
        if (r.status !== 304 && current && current.id === id) {
          currentTag = r.etag;
          renderItem(r.data);
        }
      }).catch(function () {
        $('live').classList.add('stale');
      });
    }
  }

  // ---- stats ----

  function pct(x) {
    return Math.round(x * 100) + '%';
  }

  function fillStats(table, groups) {
    var body = table.tBodies[0];
    body.replaceChildren();
    groups.forEach(function (g) {
      var row = document.createElement('tr');
      cell(row, g.name);
      cell(row, g.decided);
      cell(row, g.decidedPerHour.toFixed(1));
      cell(row, g.medianSecondsToDecision === null ? '—' : span(g.medianSecondsToDecision * 1000));
      cell(row, pct(g.approvedShare));
      cell(row, pct(g.editedShare));
      cell(row, pct(g.rejectedShare));
      cell(row, g.decidedLate);
      cell(row, g.openOverdue);
      body.appendChild(row);
    });
    if (groups.length === 0) {
      var row = document.createElement('tr');
      var td = cell(row, 'Nothing decided in the last 24 hours.');
      td.colSpan = 9;
      body.appendChild(row);
    }
  }

  function toggleStats(show) {
    var panel = $('stats');
    var open = show === undefined ? panel.hidden : show;
    $('stats-toggle').setAttribute('aria-expanded', String(open));
    if (!open) {
      panel.hidden = true;
      return;
    }
    call('GET', 'stats?hours=24').then(function (r) {
      fillStats($('stats-reviewers'), r.data.byReviewer);
      fillStats($('stats-chains'), r.data.byChain);
      panel.hidden = false;
      $('stats-close').focus();
    }).catch(fail);
  }

  // ---- sign out ----

  function logout() {
    if (!session || !session.logoutPath) {
      return;
    }
    var headers = { 'X-Requested-With': 'XMLHttpRequest' };
    if (session.csrfHeader) {
      headers[session.csrfHeader] = session.csrfToken;
    }
    fetch(new URL(session.logoutPath, document.baseURI).href, { method: 'POST', headers: headers,
      credentials: 'same-origin', redirect: 'manual' }).then(function () {
      window.location.reload(); // signed out: the application sends the sign-in page
    }).catch(fail);
  }

  // ---- keyboard ----

  function typing(target) {
    var tag = target && target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
  }

  function onKey(ev) {
    lastActivity = Date.now();
    if (ev.key === 'Escape') {
      if (!$('stats').hidden) {
        toggleStats(false);
      } else if (typing(ev.target)) {
        ev.target.blur();
      }
      return;
    }
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      // In the comment after "r": reject. Anywhere else: send the answer box (approve it if unchanged).
      ev.preventDefault();
      if (ev.target === $('comment') && rejectArmed) {
        reject();
      } else if (current && $('answer').value === proposedAnswer(current)) {
        approve();
      } else {
        sendEdit();
      }
      return;
    }
    if (typing(ev.target) || ev.ctrlKey || ev.metaKey || ev.altKey) {
      return;
    }
    var handled = true;
    switch (ev.key) {
      case 'j': case 'ArrowDown': moveSelection(1); break;
      case 'k': case 'ArrowUp': moveSelection(-1); break;
      case 'o': case 'Enter':
        if (page && selected >= 0 && page.items[selected]) {
          openItem(page.items[selected].id);
        } else {
          handled = false;
        }
        break;
      case 'n': claimNext(); break;
      case 'c': claim(); break;
      case 'a': approve(); break;
      case 'e': rejectArmed = false; $('answer').focus(); break;
      case 'r':
        rejectArmed = true;
        if ($('comment').value.trim()) {
          reject();
        } else {
          $('comment').focus();
          say('Say why in the comment, then press Ctrl+Enter to reject.');
        }
        break;
      case 'l': release(); break;
      case 'u': if (current && current.heldByYou) { renew(true); } break;
      case '/': $('filter-q').focus(); break;
      case ']': if (!$('next-page').disabled) { $('next-page').click(); } break;
      case '[': if (!$('prev-page').disabled) { $('prev-page').click(); } break;
      case 's': toggleStats(); break;
      case 'g': pageTag = null; loadQueue(false); break;
      default: handled = false;
    }
    if (handled) {
      ev.preventDefault();
    }
  }

  function wire() {
    $('filter').addEventListener('submit', function (ev) {
      ev.preventDefault();
      resetPaging();
      loadQueue(false);
    });
    ['filter-state', 'filter-sort'].forEach(function (id) {
      $(id).addEventListener('change', function () {
        resetPaging();
        loadQueue(false);
      });
    });
    $('first-page').addEventListener('click', function () {
      resetPaging();
      loadQueue(false);
    });
    $('prev-page').addEventListener('click', function () {
      pageIndex = Math.max(0, pageIndex - 1);
      selected = -1;
      pageTag = null;
      loadQueue(false);
    });
    $('next-page').addEventListener('click', function () {
      if (page && page.nextCursor) {
        cursors[pageIndex + 1] = page.nextCursor;
        cursors.length = pageIndex + 2;
        pageIndex++;
        selected = -1;
        pageTag = null;
        loadQueue(false);
      }
    });
    $('claim-next').addEventListener('click', claimNext);
    $('claim').addEventListener('click', claim);
    $('release').addEventListener('click', release);
    $('approve').addEventListener('click', approve);
    $('submit-edit').addEventListener('click', sendEdit);
    $('reject').addEventListener('click', reject);
    $('renew').addEventListener('click', function () { renew(true); });
    $('stats-toggle').addEventListener('click', function () { toggleStats(); });
    $('stats-close').addEventListener('click', function () { toggleStats(false); });
    $('logout').addEventListener('click', logout);
    document.addEventListener('keydown', onKey);
    ['pointerdown', 'input', 'wheel'].forEach(function (type) {
      document.addEventListener(type, function () { lastActivity = Date.now(); }, { passive: true });
    });
  }

  // Filters from the address (?chain=support&tenant=acme&q=refund&state=PENDING&sort=DUE), for links to a view.
  function filtersFromAddress() {
    var q = new URLSearchParams(window.location.search);
    [['chain', 'filter-chain'], ['step', 'filter-step'], ['tenant', 'filter-tenant'], ['claimedBy', 'filter-claimed'],
      ['q', 'filter-q']].forEach(function (f) {
      if (q.get(f[0])) {
        $(f[1]).value = q.get(f[0]);
      }
    });
    ['state', 'sort'].forEach(function (name) {
      var v = q.get(name);
      var select = $('filter-' + name);
      if (v !== null && Array.prototype.some.call(select.options, function (o) { return o.value === v; })) {
        select.value = v;
      }
    });
  }

  function start() {
    wire();
    filtersFromAddress();
    call('GET', 'session').then(function (r) {
      session = r.data;
      $('reviewer').textContent = 'Signed in as ' + visible(session.reviewer);
      $('logout').hidden = !session.logoutPath;
      document.body.dataset.ready = 'true';
      var every = Math.max(1000, session.pollMillis || 3000);
      pollTimer = window.setInterval(poll, every);
      window.setInterval(tickLease, 250);
      return loadQueue(false);
    }).catch(fail);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
