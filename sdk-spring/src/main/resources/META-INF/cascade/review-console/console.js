// Cascade reviewer console. Everything shown comes from the review API and is untrusted text (model output, user
// input): it is only ever put in the page with textContent or as an attribute value, never parsed as HTML. Invisible
// and direction-changing characters in it are shown as markers (see visible()), so that text cannot pretend to be
// something else (a right-to-left override turns "gnp.exe" into what reads as "exe.png").
'use strict';

(function () {
  var API = new URL('../api/', document.baseURI).href;
  var PAGE_SIZE = 50;
  var OPEN_STATES = ['PENDING', 'CLAIMED', 'ESCALATED'];

  var session = null;
  var current = null;
  var offset = 0;

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

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : visible(String(text));
    row.appendChild(td);
    return td;
  }

  function when(iso) {
    if (!iso) {
      return '';
    }
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }

  function say(text, isError) {
    var m = $('message');
    m.textContent = visible(text || '');
    m.className = isError ? 'error' : '';
  }

  function call(method, path, body) {
    // X-Requested-With: Spring Security answers such calls with 401 rather than a login redirect (with HTTP Basic
    // configured), and without Spring Security it is the review API's CSRF defence.
    var headers = { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
    if (method !== 'GET' && session && session.csrfHeader) {
      headers[session.csrfHeader] = session.csrfToken;
    }
    var init = { method: method, headers: headers, credentials: 'same-origin', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(API + path, init).then(function (res) {
      if (res.status === 204) {
        return null;
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
        return data;
      });
    });
  }

  function fail(err) {
    if (err && (err.status === 401 || err instanceof TypeError)) {
      // TypeError: fetch refused a redirect (to the login page) or the network failed.
      say('Signed out, or the server cannot be reached: reload the page to sign in again.', true);
      return;
    }
    var prefix = err && err.reason ? err.reason + ': ' : '';
    say(prefix + (err && err.message ? err.message : String(err)), true);
  }

  // ---- queue ----

  function queueQuery() {
    var params = new URLSearchParams();
    var state = $('filter-state').value;
    if (state === 'open') {
      OPEN_STATES.forEach(function (s) { params.append('state', s); });
    } else if (state) {
      params.append('state', state);
    }
    var chain = $('filter-chain').value.trim();
    var tenant = $('filter-tenant').value.trim();
    if (chain) {
      params.append('chain', chain);
    }
    if (tenant) {
      params.append('tenant', tenant);
    }
    params.append('limit', String(PAGE_SIZE));
    params.append('offset', String(offset));
    return params.toString();
  }

  function loadQueue() {
    return call('GET', 'items?' + queueQuery()).then(renderQueue).catch(fail);
  }

  function renderQueue(page) {
    var body = $('queue').tBodies[0];
    body.replaceChildren();
    page.items.forEach(function (item) {
      var row = document.createElement('tr');
      row.dataset.id = item.id;
      if (current && current.id === item.id) {
        row.className = 'selected';
      }
      cell(row, item.id);
      cell(row, item.state).className = 'state-' + item.state;
      cell(row, item.priority);
      cell(row, when(item.dueAt));
      cell(row, item.chain);
      cell(row, item.step);
      cell(row, item.tenant);
      cell(row, item.claimedBy);
      row.addEventListener('click', function () {
        openItem(item.id);
      });
      body.appendChild(row);
    });
    var first = page.items.length ? page.offset + 1 : 0;
    $('page-info').textContent = first + '–' + (page.offset + page.items.length) + ' (' + page.openItems + ' open)';
    $('prev-page').disabled = page.offset === 0;
    $('next-page').disabled = page.items.length < page.limit;
  }

  // ---- one item ----

  function openItem(id) {
    return call('GET', 'items/' + encodeURIComponent(id)).then(function (item) {
      say('');
      renderItem(item);
    }).catch(fail);
  }

  function renderItem(item) {
    var previous = current;
    current = item;
    $('detail').hidden = false;
    setText('detail-title', 'Item ' + item.id);
    setText('detail-state', item.state + (item.escalated && item.state !== 'ESCALATED' ? ' (escalated)' : ''));
    setText('detail-chain', item.chain + ' / ' + item.step);
    setText('detail-tenant', item.tenant);
    setText('detail-priority', item.priority);
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
    if (hidden.test(item.input || '') || hidden.test(item.proposedAnswer || '')
        || item.attempts.some(function (a) { return hidden.test(a.answer || ''); })) {
      // The answer box keeps the exact text (an approval must match it): warn that it holds such characters.
      say('This item contains invisible or direction-changing characters, shown as \u27E8U+\u2026\u27E9 markers.', true);
    }
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
    $('proposed-answer').textContent = item.proposedAnswer === null ? '(no model answer)'
        : visible(item.proposedAnswer);
    if (!previous || previous.id !== item.id) {
      $('answer').value = item.proposedAnswer === null ? '' : item.proposedAnswer;
      $('comment').value = '';
    }
    var held = item.heldByYou === true;
    $('claim').disabled = decided || held;
    $('claim').textContent = held ? 'Claimed by you' : 'Claim';
    $('release').disabled = !held;
    $('approve').disabled = !held || item.proposedAnswer === null;
    $('submit-edit').disabled = !held;
    $('reject').disabled = !held;

    Array.prototype.forEach.call($('queue').tBodies[0].rows, function (row) {
      row.className = row.dataset.id === item.id ? 'selected' : '';
    });
  }

  function renderAttempts(attempts) {
    var list = $('detail-attempts');
    list.replaceChildren();
    attempts.forEach(function (a) {
      var li = document.createElement('li');
      var head = document.createElement('div');
      head.className = 'attempt-head';
      head.textContent = visible(a.step + ' (' + a.kind.toLowerCase() + ') attempt ' + a.number + ': ' + a.status
          + (a.failure ? ' — ' + a.failure : ''));
      li.appendChild(head);
      var info = document.createElement('div');
      info.className = 'attempt-reason';
      var parts = [];
      if (a.reason) {
        parts.push(a.reason);
      }
      if (a.model) {
        parts.push('model ' + a.model);
      }
      parts.push('$' + a.cost);
      parts.push(a.latencyMillis + ' ms');
      info.textContent = visible(parts.join(' · '));
      li.appendChild(info);
      if (a.answer !== null && a.answer !== undefined) {
        var label = document.createElement('div');
        label.textContent = 'Model answer (not used):';
        li.appendChild(label);
        var pre = document.createElement('pre');
        pre.className = 'text attempt-answer';
        pre.textContent = visible(a.answer);
        li.appendChild(pre);
        var use = document.createElement('button');
        use.type = 'button';
        use.className = 'use-answer';
        use.textContent = 'Use this answer';
        use.addEventListener('click', function () {
          $('answer').value = a.answer;
          $('answer').focus();
        });
        li.appendChild(use);
      }
      list.appendChild(li);
    });
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
  }

  // ---- actions ----

  function act(promise, done) {
    return promise.then(function (item) {
      if (item) {
        renderItem(item);
      }
      say(done(item));
      return loadQueue();
    }).catch(function (err) {
      fail(err);
      if (current) {
        // Show what the item is now (another reviewer, a lease expiry...), keeping the error message.
        return call('GET', 'items/' + encodeURIComponent(current.id)).then(renderItem).catch(function () {});
      }
      return null;
    });
  }

  function decide(verdict, answer, comment) {
    var body = { verdict: verdict, version: current.version, payloadHash: current.payloadHash };
    if (answer !== undefined) {
      body.answer = answer;
    }
    if (comment) {
      body.comment = comment;
    }
    return act(call('POST', 'items/' + encodeURIComponent(current.id) + '/decision', body), function (item) {
      return 'Decided ' + item.id + ': ' + item.state + '.';
    });
  }

  function wire() {
    $('filter').addEventListener('submit', function (ev) {
      ev.preventDefault();
      offset = 0;
      loadQueue();
    });
    $('prev-page').addEventListener('click', function () {
      offset = Math.max(0, offset - PAGE_SIZE);
      loadQueue();
    });
    $('next-page').addEventListener('click', function () {
      offset += PAGE_SIZE;
      loadQueue();
    });
    $('claim-next').addEventListener('click', function () {
      var params = new URLSearchParams();
      var chain = $('filter-chain').value.trim();
      var tenant = $('filter-tenant').value.trim();
      if (chain) {
        params.append('chain', chain);
      }
      if (tenant) {
        params.append('tenant', tenant);
      }
      act(call('POST', 'claim-next?' + params.toString()), function (item) {
        return item ? 'Claimed ' + item.id + '.' : 'Nothing to claim.';
      });
    });
    $('claim').addEventListener('click', function () {
      act(call('POST', 'items/' + encodeURIComponent(current.id) + '/claim'), function (item) {
        return 'Claimed ' + item.id + ' until ' + when(item.leaseUntil) + '.';
      });
    });
    $('release').addEventListener('click', function () {
      act(call('POST', 'items/' + encodeURIComponent(current.id) + '/release'), function (item) {
        return 'Released ' + item.id + '.';
      });
    });
    $('approve').addEventListener('click', function () {
      decide('APPROVED', undefined, $('comment').value.trim());
    });
    $('submit-edit').addEventListener('click', function () {
      var answer = $('answer').value;
      if (!answer.trim()) {
        say('Write an answer first.', true);
        return;
      }
      decide('EDITED', answer, $('comment').value.trim());
    });
    $('reject').addEventListener('click', function () {
      var comment = $('comment').value.trim();
      if (!comment) {
        say('Say why in the comment to reject.', true);
        return;
      }
      decide('REJECTED', undefined, comment);
    });
  }

  function start() {
    wire();
    call('GET', 'session').then(function (s) {
      session = s;
      $('reviewer').textContent = 'Signed in as ' + visible(s.reviewer);
      document.body.dataset.ready = 'true';
      return loadQueue();
    }).catch(fail);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
