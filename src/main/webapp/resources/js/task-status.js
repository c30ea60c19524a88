/*
 * Confirmation page: follows the task's state live through its Server-Sent Events stream
 * (GET /api/tasks/{id}/events) and rewrites the state text. Without JavaScript or EventSource the page
 * stays as rendered, and "Refresh status" shows the same.
 */
(function () {
    "use strict";

    var FINAL_STATES = ["succeeded", "dead"];
    var element = document.getElementById("task-state");
    if (!element || typeof window.EventSource !== "function") {
        return;
    }
    var texts;
    try {
        texts = JSON.parse(element.getAttribute("data-state-texts"));
    } catch (e) {
        return;
    }
    if (FINAL_STATES.indexOf(element.getAttribute("data-state")) >= 0) {
        return;
    }

    function show(state) {
        if (!Object.prototype.hasOwnProperty.call(texts, state)) {
            return; // a state this page does not know: keep what it shows
        }
        // textContent, never innerHTML: the text is shown as text, whatever it holds.
        element.textContent = texts[state];
        element.className = "state state-" + state;
        element.setAttribute("data-state", state);
    }

    var source = new EventSource(element.getAttribute("data-events-url"));
    source.addEventListener("status", function (message) {
        var event;
        try {
            event = JSON.parse(message.data);
        } catch (e) {
            return;
        }
        show(event.status);
        if (FINAL_STATES.indexOf(event.status) >= 0) {
            source.close(); // the server ends the stream too; do not reconnect
        }
    });
}());
