#pragma once
// Shared by the XR consult tests: a room hosted with the sample case, run in
// XR through xrsim, and the colour test for the user's own (glowing, role
// coloured) hands and laser in an eye capture.
#include <doctest/doctest.h>

#include <glm/vec2.hpp>
#include <memory>
#include <string>

#include "medverse/app/case_scene.h"
#include "medverse/app/consult_session.h"
#include "medverse/app/xr_mode.h"
#include "medverse/assets/room.h"
#include "medverse/net/role.h"
#include "medverse/render/image_io.h"

namespace medverse::test {

// A room hosted in-process with the sample case (built into the cache on
// first use), its hologram at the table at 2x life size.
inline std::unique_ptr<app::ConsultSession> hostSampleConsult(const std::string& displayName,
                                                              net::Role role = net::Role::Expert) {
  auto sample = app::loadSampleCase(app::defaultCacheDir());
  REQUIRE_MESSAGE(sample.ok(), (sample.ok() ? "" : sample.error().message));
  app::HostOptions host;
  host.caseDirectory = app::sampleCaseBundlePath(app::defaultCacheDir());
  host.displayName = displayName;
  host.role = role;
  host.hologramStart =
      app::hologramStartTransform(assets::buildConsultRoom().hologramAnchor, 0.002F);
  auto session = app::ConsultSession::host(host);
  REQUIRE_MESSAGE(session.ok(), (session.ok() ? "" : session.error().message));
  return std::move(*session);
}

// The expert's glow reads orange to yellow: warm and saturated (the room's
// greys and the hologram's pink all have much more blue).
inline bool orange(const glm::u8vec4& p) {
  return p.r > 140 && p.r >= p.g && p.b < 90;
}

inline bool orangeNear(const render::RgbaImage& image, glm::vec2 px, int radius) {
  for (int dy = -radius; dy <= radius; ++dy) {
    for (int dx = -radius; dx <= radius; ++dx) {
      const int x = static_cast<int>(px.x) + dx;
      const int y = static_cast<int>(px.y) + dy;
      if (x >= 0 && y >= 0 && x < static_cast<int>(image.width) &&
          y < static_cast<int>(image.height) && orange(image.at(x, y))) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace medverse::test
