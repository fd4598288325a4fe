/* The self-report page: keep each report in the outbox first, then send it; send what
 * waits when the page loads, when the connection returns, and (where the browser has
 * Background Sync) from the service worker even after the page is closed. */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('selfreport-config').textContent);
  var text = config.text;
  var Outbox = window.UlinziOutbox;
  var form = document.getElementById('selfreport');
  var statusEl = document.getElementById('outbox-status');
  var listEl = document.getElementById('outbox-list');
  var otherCause = document.getElementById('other-cause');
  if (!form || !Outbox || !window.indexedDB) { return; } // the form still posts without us

  function cookie(name) {
    var match = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return match ? decodeURIComponent(match[1]) : '';
  }

  function csrfToken() {
    var field = form.querySelector('input[name=csrfmiddlewaretoken]');
    return cookie('csrftoken') || (field ? field.value : '');
  }

  function today() {
    var d = new Date();
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  function show(state, message) {
    statusEl.dataset.state = state;
    statusEl.textContent = message;
  }

  function causeOf(data) {
    var answer = data.get('conflict_related');
    if (answer === 'yes') { return 'armed_conflict'; }
    if (answer === 'no') { return data.get('other_cause') || 'other'; }
    return 'unknown';
  }

  function collect(sourceId) {
    var data = new FormData(form);
    var payload = {
      source_id: sourceId,
      domain: config.domain,
      types: data.getAll('types'),
      resources: data.getAll('resources'),
      occurred_on: data.get('occurred_on'),
      country: data.get('country'),
      cause: causeOf(data),
      status: 'submitted'
    };
    ['admin1_name', 'facility_type', 'perpetrator', 'narrative', 'organisation'].forEach(function (name) {
      var value = (data.get(name) || '').trim();
      if (value) { payload[name] = value; }
    });
    ['killed', 'injured'].forEach(function (name) {
      var value = (data.get(name) || '').trim();
      if (value !== '') { payload[name] = Number(value); }
    });
    return payload;
  }

  function render() {
    return Outbox.all().then(function (items) {
      listEl.textContent = '';
      items.forEach(function (item) {
        var li = document.createElement('li');
        var label = document.createElement('span');
        label.textContent = item.payload.occurred_on + ' · ' + item.payload.country + ' — ' +
          (item.state === 'failed' ? text.failed + ' ' + item.error : text.pending);
        li.appendChild(label);
        if (item.state === 'failed') {
          var remove = document.createElement('button');
          remove.type = 'button';
          remove.className = 'link';
          remove.textContent = text.remove;
          remove.addEventListener('click', function () { Outbox.remove(item.id).then(render); });
          li.appendChild(remove);
        }
        listEl.appendChild(li);
      });
      return items;
    });
  }

  var flushing = null;
  function flush() {
    if (flushing) { return flushing; }
    if (!navigator.onLine) {
      flushing = render().then(function (items) {
        if (items.some(function (i) { return i.state !== 'failed'; })) { show('saved', text.saved); }
      });
    } else {
      flushing = render().then(function (items) {
        if (!items.length) { return null; }
        show('sending', text.sending);
        return Outbox.flush(config.api, csrfToken);
      }).then(report);
    }
    return flushing.then(function () { flushing = null; }, function () { flushing = null; });
  }

  function report(result) {
    if (!result) { return render(); }
    if (result.failed && !result.pending) {
      show('failed', text.failed);
    } else if (result.auth) {
      show('saved', text.signin);
    } else if (result.pending) {
      show('saved', text.saved);
    } else if (result.sent) {
      show('sent', text.sent);
    }
    return render();
  }

  function askForSync() {
    if (!('serviceWorker' in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register('ulinzi-outbox'); }
    }).catch(function () { /* Background Sync refused: the page sends instead */ });
  }

  var reportId = Outbox.uuid();

  function resetForm() {
    reportId = Outbox.uuid();
    var keep = { country: form.country.value, organisation: form.organisation ? form.organisation.value : '' };
    form.reset();
    form.country.value = keep.country;
    if (form.organisation) { form.organisation.value = keep.organisation; }
    form.occurred_on.value = today();
    toggleCause();
  }

  function toggleCause() {
    var checked = form.querySelector('input[name=conflict_related]:checked');
    otherCause.hidden = !(checked && checked.value === 'no');
  }

  form.addEventListener('change', toggleCause);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!form.reportValidity()) { return; }
    // One id per report, kept until the form is cleared: a second click before then
    // replaces the same outbox item and resends the same source_id, so one incident.
    var id = reportId;
    var item = { id: id, payload: collect(id), csrf: csrfToken(), saved_at: Date.now(), state: 'pending' };
    Outbox.put(item).then(function () {
      show('saved', text.saved);
      resetForm();
      askForSync();
      return flush();
    });
  });
  window.addEventListener('online', flush);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', function (event) {
      if (event.data && event.data.type === 'outbox') { report(event.data.result); }
    });
    navigator.serviceWorker.register(config.sw, { scope: config.scope }).catch(function () {
      /* no service worker (e.g. not a secure context): the outbox still works while open */
    });
  }
  form.occurred_on.max = today();
  if (!form.occurred_on.value) { form.occurred_on.value = today(); }
  toggleCause();
  flush();
})();
