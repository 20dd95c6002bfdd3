#include "medverse/app/consult_goal.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "medverse/net/role.h"

namespace medverse::app {
namespace {

size_t connectedOthers(const ConsultFrame& frame) {
  size_t n = 0;
  for (const ParticipantView& p : frame.participants) {
    n += p.connected && !p.local ? 1 : 0;
  }
  return n;
}

float turnDegrees(const Transform& t) {
  const float w = std::min(1.0F, std::abs(t.rotation.w));
  return glm::degrees(2.0F * std::acos(w));
}

}  // namespace

Result<RoomGoal> RoomGoal::parse(const std::string& text) {
  RoomGoal goal;
  std::stringstream in(text);
  for (std::string term; std::getline(in, term, ',');) {
    if (term.empty()) {
      continue;
    }
    const auto ge = term.find(">=");
    if (ge != std::string::npos) {
      const std::string name = term.substr(0, ge);
      uint32_t n = 0;
      const char* b = term.data() + ge + 2;
      const char* e = term.data() + term.size();
      auto [p, ec] = std::from_chars(b, e, n);
      if (ec != std::errc() || p != e) {
        return makeError("--until: '" + term + "' needs a whole number after >=");
      }
      if (name == "pins") {
        goal.pins = n;
      } else if (name == "measurements") {
        goal.measurements = n;
      } else if (name == "participants") {
        goal.participants = n;
      } else {
        return makeError("--until: unknown count '" + name +
                         "' (pins, measurements or participants)");
      }
    } else if (term == "clip") {
      goal.clip = true;
    } else if (term == "released") {
      goal.released = true;
    } else if (term == "turned") {
      goal.turned = true;
    } else if (term == "alone") {
      goal.alone = true;
    } else {
      return makeError("--until: unknown term '" + term +
                       "' (pins>=N, measurements>=N, participants>=N, clip, released, turned, "
                       "alone)");
    }
  }
  return goal;
}

std::string RoomGoal::missing(const ConsultFrame& f) const {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  if (f.pins.size() < pins) {
    add("pins " + std::to_string(f.pins.size()) + " of " + std::to_string(pins));
  }
  if (f.measurements.size() < measurements) {
    add("measurements " + std::to_string(f.measurements.size()) + " of " +
        std::to_string(measurements));
  }
  const size_t present = connectedOthers(f) + 1;
  if (present < participants) {
    add("participants " + std::to_string(present) + " of " + std::to_string(participants));
  }
  if (!f.hologram) {
    if (clip || released || turned) {
      add("no hologram");
    }
    return out;
  }
  if (clip && std::none_of(f.hologram->clip.begin(), f.hologram->clip.end(),
                           [](const world::Plane& p) { return p.enabled; })) {
    add("clip plane off");
  }
  if (released && f.hologram->holder != 0) {
    add("the hologram is held");
  } else if (released && !f.hologram->settled) {
    add("the hologram is still moving");
  }
  if (turned && turnDegrees(f.hologram->transform) < 45.0F) {
    add("the hologram is not turned");
  }
  if (alone && connectedOthers(f) > 0) {
    add(std::to_string(connectedOthers(f)) + " other participant(s) still here");
  }
  return out;
}

bool RoomGoal::reached(const ConsultFrame& frame) const {
  return missing(frame).empty();
}

std::string consultStateJson(const ConsultFrame& f) {
  using nlohmann::json;
  auto vec = [](const glm::vec3& v) { return json::array({v.x, v.y, v.z}); };
  json j;
  j["local_role"] = std::string(net::roleName(f.localRole));
  j["local_id"] = f.localId;
  j["following"] = f.following;
  if (f.hologram) {
    const HologramState& h = *f.hologram;
    const Transform& t = h.transform;
    const glm::vec3 x = t.rotation * glm::vec3(1.0F, 0.0F, 0.0F);
    json holo;
    holo["position"] = vec(t.position);
    holo["rotation_wxyz"] = json::array({t.rotation.w, t.rotation.x, t.rotation.y, t.rotation.z});
    holo["yaw_deg"] = glm::degrees(std::atan2(-x.z, x.x));
    holo["turn_deg"] = turnDegrees(t);
    holo["scale"] = t.scale.x;
    holo["preset"] = h.preset;
    holo["holder"] = h.holder;
    holo["settled"] = h.settled;
    holo["case"] = h.caseName;
    json clips = json::array();
    for (const world::Plane& p : h.clip) {
      clips.push_back({{"enabled", p.enabled}, {"normal", vec(p.normal)}, {"offset", p.offset}});
    }
    holo["clip"] = clips;
    json slices = json::array();
    for (const world::Plane& p : h.slice) {
      slices.push_back({{"enabled", p.enabled}, {"normal", vec(p.normal)}, {"offset", p.offset}});
    }
    holo["slice"] = slices;
    j["hologram"] = holo;
  } else {
    j["hologram"] = nullptr;
  }
  json pins = json::array();
  for (const AnnotationPin& p : f.pins) {
    pins.push_back({{"position_mm", vec(p.positionMm)},
                    {"text", p.text},
                    {"author_role", std::string(net::roleName(p.author))}});
  }
  j["pins"] = pins;
  json ms = json::array();
  for (const MeasurementView& m : f.measurements) {
    ms.push_back({{"a_mm", vec(m.measurement.aMm)},
                  {"b_mm", vec(m.measurement.bMm)},
                  {"distance_mm", m.distanceMm},
                  {"label", m.label},
                  {"author_role", std::string(net::roleName(m.measurement.author))}});
  }
  j["measurements"] = ms;
  json avatars = json::array();
  for (const AvatarState& a : f.avatars) {
    avatars.push_back({{"name", a.name},
                       {"role", std::string(net::roleName(a.role))},
                       {"head", vec(a.head.position)},
                       {"pointer", a.pointer.active}});
  }
  j["avatars"] = avatars;
  json people = json::array();
  for (const ParticipantView& p : f.participants) {
    people.push_back({{"id", p.clientId},
                      {"name", p.name},
                      {"role", std::string(net::roleName(p.role))},
                      {"connected", p.connected},
                      {"local", p.local}});
  }
  j["participants"] = people;
  return j.dump(2) + "\n";
}

}  // namespace medverse::app
