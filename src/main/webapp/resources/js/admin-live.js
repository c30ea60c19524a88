/*
 * Keeps the console's overview live: every few seconds it fetches /admin/live (one small JSON object, read from
 * Redis by the server) and writes each field into the element whose data-live attribute names it — always as text,
 * never as markup. Without JavaScript the page shows the figures of when it was loaded.
 */
(function () {
    'use strict';
    var PERIOD_MS = 2000;

    function field(data, path) {
        return path.split('.').reduce(function (value, key) {
            return value === null || value === undefined ? value : value[key];
        }, data);
    }

    function seconds(value) {
        if (value === null || value === undefined) { return '–'; }
        if (value < 1) { return Math.round(value * 1000) + ' ms'; }
        if (value < 120) { return value.toFixed(1) + ' s'; }
        if (value < 7200) { return Math.floor(value / 60) + ' min ' + Math.floor(value % 60) + ' s'; }
        return Math.floor(value / 3600) + ' h ' + Math.floor(value % 3600 / 60) + ' min';
    }

    function time(value) {
        if (!value) { return '–'; }
        return value.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';
    }

    function show(data) {
        document.querySelectorAll('[data-live]').forEach(function (element) {
            var value = field(data, element.getAttribute('data-live'));
            var format = element.getAttribute('data-live-format');
            element.textContent = format === 'seconds' ? seconds(value)
                : format === 'time' ? time(value)
                : value === null || value === undefined ? '–' : String(value);
        });
        document.documentElement.setAttribute('data-live-at', data.at);
    }

    function poll(url) {
        fetch(url, {credentials: 'same-origin', cache: 'no-store', headers: {'Accept': 'application/json'}})
            .then(function (response) {
                if (response.status === 401) { window.location.reload(); return null; }
                return response.ok ? response.json() : null;
            })
            .then(function (data) { if (data) { show(data); } })
            .catch(function () { /* The next poll tries again. */ })
            .finally(function () { window.setTimeout(function () { poll(url); }, PERIOD_MS); });
    }

    document.addEventListener('DOMContentLoaded', function () {
        var feed = document.querySelector('[data-live-feed]');
        if (feed) {
            poll(feed.getAttribute('data-live-feed'));
        }
    });
}());
