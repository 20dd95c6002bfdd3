#pragma once
// For scripted runs (tests, the e2e consult, demos): a condition on the
// room's replicated state that a client waits for before its final frame
// (`medverse --until pins>=1,measurements>=1,clip,released`), and the
// room's state as this client sees it, as JSON (`--state-json FILE`), so that
// several participants' views can be compared.
#include <cstdint>
#include <string>

#include "medverse/app/consult_session.h"
#include "medverse/core/result.h"

namespace medverse::app {

// Comma-separated terms, all of which must hold:
//   pins>=N  measurements>=N  participants>=N (connected, you included)
//   clip     a clip plane is on (any of the three)
//   released nobody holds the hologram
//   turned   the hologram's rotation differs from upright by at least 45 degrees
//   alone    every other participant has left (the last to go)
struct RoomGoal {
  uint32_t pins = 0;
  uint32_t measurements = 0;
  uint32_t participants = 0;
  bool clip = false;
  bool released = false;
  bool turned = false;
  bool alone = false;

  static Result<RoomGoal> parse(const std::string& text);
  [[nodiscard]] bool reached(const ConsultFrame& frame) const;
  // What is still missing, for an error message ("pins 0 of 1, clip off").
  [[nodiscard]] std::string missing(const ConsultFrame& frame) const;
};

// The frame as a JSON document: the hologram (position, rotation as
// [w, x, y, z], yaw about the room's vertical in degrees, scale, preset,
// clip and slice planes, holder), pins, measurements (mm, label), the other
// people's avatars (name, role, head position), participants, whom a
// spectator follows, and the local role.
std::string consultStateJson(const ConsultFrame& frame);

}  // namespace medverse::app
