#pragma once
// The simulated headset's configuration and its JSON timeline: where the
// head and both hands are, which buttons are pressed, and which runtime
// events (session loss, runtime-requested exit) happen when. docs/XR.md
// describes the format.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <glm/gtc/quaternion.hpp>
#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

namespace medverse::xrsim {

struct Pose {
  glm::vec3 position{0.0F};
  glm::quat orientation{1.0F, 0.0F, 0.0F, 0.0F};  // w, x, y, z
};

Pose compose(const Pose& parent, const Pose& child);  // child expressed in parent
Pose inverse(const Pose& pose);

struct HmdConfig {
  uint32_t eyeWidth = 640;
  uint32_t eyeHeight = 640;
  // Half-angles in radians, OpenXR XrFovf convention (left and down negative).
  float angleLeft = -0.785398F;
  float angleRight = 0.785398F;
  float angleUp = 0.785398F;
  float angleDown = -0.785398F;
  float ipd = 0.064F;          // metres between the eyes
  float refreshHz = 90.0F;
  std::vector<std::string> blendModes{"opaque"};  // offered, first is preferred
  std::string interactionProfile = "/interaction_profiles/oculus/touch_controller";
  glm::vec2 stageBounds{4.0F, 3.0F};  // width (x) and depth (z) in metres
  bool stage = true;         // offer the STAGE reference space
  bool passthrough = false;  // offer XR_FB_passthrough (a passthrough camera headset)
};

// What a hand's controller reports at one instant.
struct HandSample {
  Pose grip;
  Pose aim;
  // Generic controls by identifier: squeeze, trigger, menu, a, b, x, y,
  // system, thumbstick_click (0..1). Touch components read value > 0.
  std::map<std::string, float> values;
  glm::vec2 thumbstick{0.0F};
};

enum class ScriptEventKind { SessionLoss, Exit, Recenter };
struct ScriptEvent {
  ScriptEventKind kind;
  uint64_t frame;
  // Recenter: which spaces the runtime moves to the head (yaw only).
  bool local = true;
  bool stage = true;
};

class Script {
 public:
  // Reads the timeline; `error` names the file and the offending entry.
  static std::optional<Script> load(const std::string& path, std::string& error);
  static Script empty() { return Script(); }

  // Applies the script's "hmd" section and then MEDVERSE_XRSIM_* variables.
  [[nodiscard]] bool configure(HmdConfig& hmd, std::string& error) const;
  // Keyframes given by frame index become seconds once the refresh rate is known.
  void resolveFrames(double framePeriodSeconds);

  [[nodiscard]] Pose head(double seconds) const;
  [[nodiscard]] HandSample hand(int side, double seconds) const;  // 0 left, 1 right
  [[nodiscard]] const std::vector<ScriptEvent>& events() const { return events_; }
  [[nodiscard]] const std::vector<uint64_t>& captureFrames() const { return capture_; }

  struct Key {
    double seconds = 0.0;
    std::optional<double> frame;  // when given by frame index
    std::optional<Pose> pose;        // head, or the grip of a hand
    std::optional<Pose> aim;         // hands only
    std::map<std::string, float> values;
    std::optional<glm::vec2> thumbstick;
  };

 private:
  struct Track {
    std::vector<Key> keys;  // sorted by time
    bool step = false;      // hold poses instead of interpolating
  };
  [[nodiscard]] Pose samplePose(const Track& track, double seconds, const Pose& fallback,
                                bool aim) const;

  std::string hmdJson_;  // the raw "hmd" section, applied by configure()
  Track head_;
  Track hands_[2];
  std::vector<ScriptEvent> events_;
  std::vector<uint64_t> capture_;
};

}  // namespace medverse::xrsim
