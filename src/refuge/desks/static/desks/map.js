/* The map of shelters and evacuated areas (desks/map.html).
   Everything is drawn as vectors from the page's GeoJSON, so the map shows the shelters and
   the areas with no tile server at all; tiles are only a background when one is configured.
   Text from the server goes in with textContent, never as HTML. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }

  var COLOURS = { free: "#1a9850", filling: "#fdae61", full: "#d73027", standby: "#999999" };
  var map = L.map(el, { zoomSnap: 0.5 }).setView([51.7, 36.2], 7);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, {
      attribution: el.dataset.attribution || "",
      maxZoom: 18,
      referrerPolicy: "strict-origin"
    }).addTo(map);
  }

  function popup(props) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("strong");
    title.textContent = props.name;
    box.appendChild(title);
    (props.summary || []).forEach(function (line) {
      if (!line) { return; }
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    if (props.url) {
      var a = document.createElement("a");
      a.href = props.url;
      a.textContent = props.link;
      box.appendChild(a);
    }
    return box;
  }

  function areaStyle(feature) {
    var mandatory = feature.properties.kind !== "voluntary";
    return { color: "#b2182b", weight: 1.5, fillColor: "#fbb4ae", fillOpacity: mandatory ? 0.35 : 0.15 };
  }

  function draw(data) {
    var features = data.features || [];
    var of = function (layer) {
      return features.filter(function (f) { return f.properties.layer === layer; });
    };
    var border = L.geoJSON(of("border"), {
      style: { color: "#333", weight: 2, dashArray: "6 4" },
      interactive: false
    });
    var areas = L.geoJSON(of("district").concat(of("settlement")), {
      style: areaStyle,
      pointToLayer: function (f, at) {
        return L.circleMarker(at, { radius: 4, color: "#b2182b", weight: 1, fillColor: "#fbb4ae", fillOpacity: 0.9 });
      },
      onEachFeature: function (f, layer) { layer.bindPopup(popup(f.properties)); }
    });
    var shelters = L.layerGroup();
    L.geoJSON(of("shelter"), {
      pointToLayer: function (f, at) {
        var p = f.properties;
        var dot = L.circleMarker(at, {
          radius: 7, color: "#222", weight: 1, fillColor: COLOURS[p["class"]] || "#999", fillOpacity: 0.95
        }).bindPopup(popup(p));
        if (p.wheelchair) {
          L.marker(at, {
            icon: L.divIcon({ className: "wheelchair-icon", html: "<span class=\"wheelchair-mark\">♿</span>", iconSize: [16, 16], iconAnchor: [-4, 18] }),
            keyboard: false
          }).bindPopup(popup(p)).addTo(shelters);
        }
        return dot;
      }
    }).addTo(shelters);
    border.addTo(map);
    areas.addTo(map);
    shelters.addTo(map);
    var overlays = {};
    overlays[el.dataset.labelShelters] = shelters;
    overlays[el.dataset.labelAreas] = areas;
    // On a phone an open layer list would cover the popups: it folds into a button there.
    L.control.layers(null, overlays, { collapsed: window.innerWidth < 600 }).addTo(map);
    var bounds = L.featureGroup([areas, L.geoJSON(of("shelter"))]).getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16], maxZoom: 12 }); }
    el.dataset.drawn = String(features.length);
  }

  fetch(el.dataset.src, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(draw)
    .catch(function () {
      var note = document.createElement("p");
      note.className = "map-error";
      note.setAttribute("role", "alert");
      note.textContent = el.dataset.error;
      el.parentNode.insertBefore(note, el);
    });
})();
