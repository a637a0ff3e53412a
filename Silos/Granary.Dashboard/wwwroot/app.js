// Shared by Granary's live pages: the navigation bar, the live feeds (server-sent events), and the page actions.
"use strict";

const granary = (() => {
  const pages = [
    ["/", "Workflows"],
    ["/nodes.html", "Domains & nodes"],
    ["/functions.html", "Functions"],
    ["/events.html", "Events"],
    ["/orleans/", "Orleans dashboard"],
  ];

  function nav() {
    const bar = document.createElement("nav");
    const here = location.pathname === "/index.html" ? "/" : location.pathname;
    bar.innerHTML = `<span class="brand">Granary</span>` +
      pages.map(([href, label]) => `<a href="${href}" class="${href === here ? "active" : ""}">${label}</a>`).join("") +
      `<span class="live" id="live">connecting…</span>`;
    document.body.prepend(bar);
  }

  // Follows a feed; calls onMessage with each parsed message. EventSource reconnects by itself.
  function follow(topic, onMessage) {
    const source = new EventSource(`/api/live/${topic}`);
    const live = () => document.getElementById("live");
    source.onopen = () => { live().textContent = "live"; live().className = "live on"; };
    source.onerror = () => { live().textContent = "reconnecting…"; live().className = "live"; };
    source.addEventListener(topic === "events" ? "event" : topic, e => onMessage(JSON.parse(e.data)));
    return source;
  }

  // Posts and shows the answer's message (or error) in the element `into`.
  async function act(url, body, into) {
    const response = await fetch(url, { method: "POST", body });
    let answer;
    try { answer = await response.json(); } catch { answer = { error: `${response.status} ${response.statusText}` }; }
    if (into) {
      into.textContent = answer.error ? "error: " + answer.error : answer.message;
      into.className = "message " + (answer.error ? "error" : "ok");
    }
    return answer;
  }

  const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const shortId = id => String(id).slice(0, 8);
  const stateClass = s => "state-" + String(s).replace(/\s+/g, "-");

  // A small line chart of the last minutes (uPlot), updated in place.
  function chart(host, title, times, values, color) {
    const data = [times, values];
    if (host._plot) { host._plot.setData(data); return; }
    host._plot = new uPlot({
      title, width: 260, height: 120, legend: { show: false }, cursor: { show: false },
      scales: { x: { time: true } },
      axes: [{ size: 24, font: "10px sans-serif" }, { size: 50, font: "10px sans-serif" }],
      series: [{}, { stroke: color, width: 1.5, fill: color + "22" }],
    }, data, host);
  }

  return { nav, follow, act, esc, shortId, stateClass, chart };
})();

document.addEventListener("DOMContentLoaded", granary.nav);
