#include "script.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

namespace medverse::xrsim {
namespace {

using nlohmann::json;

const char* env(const char* name) {
  return std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before any runtime thread
}

glm::vec3 readVec3(const json& j, const std::string& where) {
  if (!j.is_array() || j.size() != 3) {
    throw std::runtime_error(where + " must be an array of 3 numbers");
  }
  return {j[0].get<float>(), j[1].get<float>(), j[2].get<float>()};
}

glm::quat readOrientation(const json& j, const std::string& where) {
  if (j.contains("orientation")) {
    const json& q = j["orientation"];
    if (!q.is_array() || q.size() != 4) {
      throw std::runtime_error(where + ".orientation must be [x, y, z, w]");
    }
    glm::quat r(q[3].get<float>(), q[0].get<float>(), q[1].get<float>(), q[2].get<float>());
    if (glm::length(r) < 1e-6F) {
      throw std::runtime_error(where + ".orientation is not a rotation (zero quaternion)");
    }
    return glm::normalize(r);
  }
  if (j.contains("euler_deg")) {
    // [pitch about X, yaw about Y, roll about Z], applied yaw * pitch * roll.
    glm::vec3 e = glm::radians(readVec3(j["euler_deg"], where + ".euler_deg"));
    return glm::angleAxis(e.y, glm::vec3(0, 1, 0)) * glm::angleAxis(e.x, glm::vec3(1, 0, 0)) *
           glm::angleAxis(e.z, glm::vec3(0, 0, 1));
  }
  return {1.0F, 0.0F, 0.0F, 0.0F};
}

Pose readPose(const json& j, const std::string& where) {
  if (!j.is_object()) {
    throw std::runtime_error(where + " must be an object with position/orientation");
  }
  Pose p;
  if (j.contains("position")) {
    p.position = readVec3(j["position"], where + ".position");
  }
  p.orientation = readOrientation(j, where);
  return p;
}

void readTime(const json& j, Script::Key& key, const std::string& where) {
  if (j.contains("frame")) {
    double f = j["frame"].get<double>();
    if (f < 0) {
      throw std::runtime_error(where + ".frame must not be negative");
    }
    key.frame = f;
  } else if (j.contains("time")) {
    key.seconds = j["time"].get<double>();
  } else {
    throw std::runtime_error(where + " needs \"frame\" (index) or \"time\" (seconds)");
  }
}

float readValue(const json& v, const std::string& where) {
  if (v.is_boolean()) {
    return v.get<bool>() ? 1.0F : 0.0F;
  }
  if (!v.is_number()) {
    throw std::runtime_error(where + " must be a number or a boolean");
  }
  return std::clamp(v.get<float>(), 0.0F, 1.0F);
}

const Pose kDefaultHead{{0.0F, 1.6F, 0.0F}, {1.0F, 0.0F, 0.0F, 0.0F}};
const Pose kDefaultHand[2] = {{{-0.2F, 1.3F, -0.35F}, {1.0F, 0.0F, 0.0F, 0.0F}},
                              {{0.2F, 1.3F, -0.35F}, {1.0F, 0.0F, 0.0F, 0.0F}}};

bool parseSize(const std::string& text, uint32_t& w, uint32_t& h) {
  unsigned long a = 0;
  unsigned long b = 0;
  char x = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%lu%c%lu%c", &a, &x, &b, &extra) != 3 || x != 'x' || a == 0 ||
      b == 0 || a > 8192 || b > 8192) {
    return false;
  }
  w = static_cast<uint32_t>(a);
  h = static_cast<uint32_t>(b);
  return true;
}

bool parseFloat(const char* text, float& out) {
  char* end = nullptr;
  out = std::strtof(text, &end);
  return end != text && *end == '\0' && std::isfinite(out);
}

std::vector<std::string> splitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) {
      comma = s.size();
    }
    out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool validBlend(const std::string& m) {
  return m == "opaque" || m == "additive" || m == "alpha_blend";
}

}  // namespace

Pose compose(const Pose& parent, const Pose& child) {
  return {parent.position + parent.orientation * child.position,
          glm::normalize(parent.orientation * child.orientation)};
}

Pose inverse(const Pose& pose) {
  glm::quat inv = glm::conjugate(pose.orientation);
  return {inv * -pose.position, inv};
}

std::optional<Script> Script::load(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open the xrsim script " + path;
    return std::nullopt;
  }
  Script s;
  try {
    json j = json::parse(in);
    if (!j.is_object()) {
      throw std::runtime_error("the top level must be an object");
    }
    if (j.contains("hmd")) {
      s.hmdJson_ = j["hmd"].dump();
    }
    auto readTrack = [&](const char* name, Track& track, bool hand) {
      if (!j.contains(name)) {
        return;
      }
      const json& arr = j[name];
      if (!arr.is_array()) {
        throw std::runtime_error(std::string(name) + " must be an array of keyframes");
      }
      for (size_t i = 0; i < arr.size(); ++i) {
        const std::string where = std::string(name) + "[" + std::to_string(i) + "]";
        const json& k = arr[i];
        if (!k.is_object()) {
          throw std::runtime_error(where + " must be an object");
        }
        Key key;
        readTime(k, key, where);
        if (hand) {
          if (k.contains("grip")) {
            key.pose = readPose(k["grip"], where + ".grip");
          }
          if (k.contains("aim")) {
            key.aim = readPose(k["aim"], where + ".aim");
          }
          if (k.contains("buttons")) {
            if (!k["buttons"].is_object()) {
              throw std::runtime_error(where + ".buttons must be an object");
            }
            for (const auto& [id, v] : k["buttons"].items()) {
              if (id == "thumbstick") {
                if (!v.is_array() || v.size() != 2) {
                  throw std::runtime_error(where + ".buttons.thumbstick must be [x, y]");
                }
                key.thumbstick = glm::vec2(std::clamp(v[0].get<float>(), -1.0F, 1.0F),
                                           std::clamp(v[1].get<float>(), -1.0F, 1.0F));
              } else {
                key.values[id] = readValue(v, where + ".buttons." + id);
              }
            }
          }
        } else if (k.contains("position") || k.contains("orientation") || k.contains("euler_deg")) {
          key.pose = readPose(k, where);
        }
        track.keys.push_back(key);
      }
      if (j.contains(std::string(name) + "_interpolation")) {
        std::string mode = j[std::string(name) + "_interpolation"].get<std::string>();
        if (mode != "linear" && mode != "step") {
          throw std::runtime_error(std::string(name) + "_interpolation must be linear or step");
        }
        track.step = mode == "step";
      }
    };
    readTrack("head", s.head_, false);
    readTrack("left", s.hands_[0], true);
    readTrack("right", s.hands_[1], true);
    if (j.contains("events")) {
      for (size_t i = 0; i < j["events"].size(); ++i) {
        const json& e = j["events"][i];
        const std::string where = "events[" + std::to_string(i) + "]";
        if (!e.is_object() || !e.contains("frame") || !e.contains("type")) {
          throw std::runtime_error(where + " needs \"frame\" and \"type\"");
        }
        std::string type = e["type"].get<std::string>();
        ScriptEvent ev{};
        ev.frame = e["frame"].get<uint64_t>();
        if (type == "session_loss") {
          ev.kind = ScriptEventKind::SessionLoss;
        } else if (type == "exit") {
          ev.kind = ScriptEventKind::Exit;
        } else if (type == "recenter") {
          ev.kind = ScriptEventKind::Recenter;
          if (e.contains("spaces")) {
            const auto spaces = e["spaces"].get<std::vector<std::string>>();
            ev.local = std::find(spaces.begin(), spaces.end(), "local") != spaces.end();
            ev.stage = std::find(spaces.begin(), spaces.end(), "stage") != spaces.end();
            if (spaces.empty() || spaces.size() != static_cast<size_t>(ev.local) + ev.stage) {
              throw std::runtime_error(where + ".spaces must list \"local\" and/or \"stage\"");
            }
          }
        } else {
          throw std::runtime_error(where + ".type '" + type +
                                   "' is not session_loss, exit or recenter");
        }
        s.events_.push_back(ev);
      }
    }
    if (j.contains("capture")) {
      for (const auto& f : j["capture"]) {
        s.capture_.push_back(f.get<uint64_t>());
      }
    }
  } catch (const std::exception& e) {
    error = "xrsim script " + path + ": " + e.what();
    return std::nullopt;
  }
  return s;
}

bool Script::configure(HmdConfig& hmd, std::string& error) const {
  try {
    if (!hmdJson_.empty()) {
      json h = json::parse(hmdJson_);
      if (h.contains("eye_size")) {
        hmd.eyeWidth = h["eye_size"].at(0).get<uint32_t>();
        hmd.eyeHeight = h["eye_size"].at(1).get<uint32_t>();
      }
      if (h.contains("fov_deg")) {  // [left, right, up, down], left and down negative
        const json& f = h["fov_deg"];
        hmd.angleLeft = glm::radians(f.at(0).get<float>());
        hmd.angleRight = glm::radians(f.at(1).get<float>());
        hmd.angleUp = glm::radians(f.at(2).get<float>());
        hmd.angleDown = glm::radians(f.at(3).get<float>());
      }
      if (h.contains("ipd")) {
        hmd.ipd = h["ipd"].get<float>();
      }
      if (h.contains("refresh_hz")) {
        hmd.refreshHz = h["refresh_hz"].get<float>();
      }
      if (h.contains("blend_modes")) {
        hmd.blendModes = h["blend_modes"].get<std::vector<std::string>>();
      }
      if (h.contains("interaction_profile")) {
        hmd.interactionProfile = h["interaction_profile"].get<std::string>();
      }
      if (h.contains("stage")) {
        hmd.stage = h["stage"].get<bool>();
      }
      if (h.contains("passthrough")) {
        hmd.passthrough = h["passthrough"].get<bool>();
      }
      if (h.contains("stage_bounds")) {
        hmd.stageBounds = {h["stage_bounds"].at(0).get<float>(), h["stage_bounds"].at(1).get<float>()};
      }
    }
  } catch (const std::exception& e) {
    error = std::string("xrsim script, section hmd: ") + e.what();
    return false;
  }
  if (const char* v = env("MEDVERSE_XRSIM_EYE_SIZE"); v != nullptr) {
    if (!parseSize(v, hmd.eyeWidth, hmd.eyeHeight)) {
      error = std::string("MEDVERSE_XRSIM_EYE_SIZE='") + v + "' is not WIDTHxHEIGHT (1..8192)";
      return false;
    }
  }
  if (const char* v = env("MEDVERSE_XRSIM_FOV"); v != nullptr) {  // symmetric, full angle in degrees
    float deg = 0;
    if (!parseFloat(v, deg) || deg <= 10.0F || deg >= 170.0F) {
      error = std::string("MEDVERSE_XRSIM_FOV='") + v + "' is not a full field of view in degrees (10..170)";
      return false;
    }
    float half = glm::radians(deg * 0.5F);
    hmd.angleLeft = -half;
    hmd.angleRight = half;
    hmd.angleUp = half;
    hmd.angleDown = -half;
  }
  if (const char* v = env("MEDVERSE_XRSIM_IPD"); v != nullptr) {
    if (!parseFloat(v, hmd.ipd)) {
      error = std::string("MEDVERSE_XRSIM_IPD='") + v + "' is not a distance in metres";
      return false;
    }
  }
  if (const char* v = env("MEDVERSE_XRSIM_REFRESH"); v != nullptr) {
    if (!parseFloat(v, hmd.refreshHz)) {
      error = std::string("MEDVERSE_XRSIM_REFRESH='") + v + "' is not a rate in Hz";
      return false;
    }
  }
  if (const char* v = env("MEDVERSE_XRSIM_BLEND"); v != nullptr) {
    hmd.blendModes = splitComma(v);
  }
  if (const char* v = env("MEDVERSE_XRSIM_PASSTHROUGH"); v != nullptr) {
    const std::string p = v;
    if (p != "0" && p != "1") {
      error = "MEDVERSE_XRSIM_PASSTHROUGH='" + p + "' is not 0 or 1";
      return false;
    }
    hmd.passthrough = p == "1";
  }
  if (const char* v = env("MEDVERSE_XRSIM_PROFILE"); v != nullptr) {
    hmd.interactionProfile = v;
  }
  if (hmd.eyeWidth == 0 || hmd.eyeHeight == 0 || hmd.eyeWidth > 8192 || hmd.eyeHeight > 8192) {
    error = "xrsim eye size must be 1..8192 pixels per side";
    return false;
  }
  if (!(hmd.refreshHz >= 1.0F && hmd.refreshHz <= 1000.0F)) {
    error = "xrsim refresh rate must be 1..1000 Hz";
    return false;
  }
  if (!(hmd.ipd >= 0.0F && hmd.ipd < 0.2F)) {
    error = "xrsim IPD must be 0..0.2 m";
    return false;
  }
  if (!(hmd.angleLeft < hmd.angleRight && hmd.angleDown < hmd.angleUp)) {
    error = "xrsim field of view must have left < right and down < up";
    return false;
  }
  if (hmd.blendModes.empty()) {
    error = "xrsim must offer at least one environment blend mode";
    return false;
  }
  for (const auto& m : hmd.blendModes) {
    if (!validBlend(m)) {
      error = "xrsim blend mode '" + m + "' is not opaque, additive or alpha_blend";
      return false;
    }
  }
  return true;
}

void Script::resolveFrames(double framePeriodSeconds) {
  auto resolve = [&](Track& t) {
    for (Key& k : t.keys) {
      if (k.frame) {
        k.seconds = *k.frame * framePeriodSeconds;
      }
    }
    std::stable_sort(t.keys.begin(), t.keys.end(),
                     [](const Key& a, const Key& b) { return a.seconds < b.seconds; });
  };
  resolve(head_);
  resolve(hands_[0]);
  resolve(hands_[1]);
}

Pose Script::samplePose(const Track& track, double seconds, const Pose& fallback, bool aim) const {
  const Key* before = nullptr;
  const Key* after = nullptr;
  for (const Key& k : track.keys) {
    const std::optional<Pose>& p = aim ? k.aim : k.pose;
    if (!p) {
      continue;
    }
    if (k.seconds <= seconds) {
      before = &k;
    } else {
      after = &k;
      break;
    }
  }
  auto poseOf = [&](const Key* k) { return aim ? *k->aim : *k->pose; };
  if (before == nullptr && after == nullptr) {
    return fallback;
  }
  if (before == nullptr) {
    return poseOf(after);
  }
  if (after == nullptr || track.step) {
    return poseOf(before);
  }
  const double span = after->seconds - before->seconds;
  const auto t = static_cast<float>(span > 0 ? (seconds - before->seconds) / span : 1.0);
  Pose a = poseOf(before);
  Pose b = poseOf(after);
  return {glm::mix(a.position, b.position, t), glm::slerp(a.orientation, b.orientation, t)};
}

Pose Script::head(double seconds) const { return samplePose(head_, seconds, kDefaultHead, false); }

HandSample Script::hand(int side, double seconds) const {
  const Track& track = hands_[side];
  HandSample s;
  s.grip = samplePose(track, seconds, kDefaultHand[side], false);
  s.aim = samplePose(track, seconds, s.grip, true);
  // Buttons and the thumbstick hold the last value set at or before `seconds`.
  for (const Key& k : track.keys) {
    if (k.seconds > seconds) {
      break;
    }
    for (const auto& [id, v] : k.values) {
      s.values[id] = v;
    }
    if (k.thumbstick) {
      s.thumbstick = *k.thumbstick;
    }
  }
  return s;
}

}  // namespace medverse::xrsim
