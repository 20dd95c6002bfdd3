#pragma once
// A consult room for tests: a host running the room in-process (listen
// server) and guests joining it over loopback, all driven by one fake clock
// (the server's ticks and every client's interpolation), every wait a
// bounded number of pumps.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medverse/app/case_scene.h"
#include "medverse/app/consult_session.h"
#include "medverse/app/consult_view.h"
#include "medverse/app/desktop_controls.h"
#include "medverse/assets/room.h"
#include "medverse/imaging/case_bundle.h"

namespace medverse::test {

using namespace medverse::app;

inline constexpr int kPumpBound = 2000;
inline constexpr glm::vec2 kViewport{1280.0F, 720.0F};

struct Clock {
  uint64_t ms = 1000;
  std::function<uint64_t()> fn() {
    return [this] { return ms; };
  }
};

struct Room {
  Clock clock;
  std::filesystem::path caseDir;
  render::VolumeInfo info;  // the case's box, as the renderer would report it
  glm::vec3 centre{0.0F};
  std::unique_ptr<ConsultSession> host;
  std::vector<std::unique_ptr<ConsultSession>> guests;

  // `audit`, if given, receives the room server's audit trail and must
  // outlive the Room.
  explicit Room(world::AuditSink* audit = nullptr) {
    auto sample = loadSampleCase(defaultCacheDir());
    REQUIRE_MESSAGE(sample.ok(), (sample.ok() ? "" : sample.error().message));
    caseDir = sampleCaseBundlePath(defaultCacheDir());
    const imaging::PatientBounds b = sample->volume.patientBounds();
    info.boundsMin = glm::vec3(b.min);
    info.boundsMax = glm::vec3(b.max);
    centre = 0.5F * (info.boundsMin + info.boundsMax);
    HostOptions options;
    options.caseDirectory = caseDir;
    options.displayName = "Dr. Amara Okafor";
    options.hologramStart =
        hologramStartTransform(assets::buildConsultRoom().hologramAnchor, 0.002F);
    options.nowMs = clock.fn();
    options.audit = audit;
    auto hosted = ConsultSession::host(options);
    REQUIRE_MESSAGE(hosted.ok(), (hosted.ok() ? "" : hosted.error().message));
    host = std::move(*hosted);
    host->setLocalAvatar(standingAt({0.0F, 1.65F, 1.2F}));
  }

  // Someone standing at `head`, each participant somewhere else.
  static world::AvatarPose standingAt(const glm::vec3& head) {
    world::AvatarPose pose;
    pose.head.position = head;
    pose.leftHand.position = head + glm::vec3(-0.2F, -0.5F, -0.2F);
    pose.rightHand.position = head + glm::vec3(0.2F, -0.5F, -0.2F);
    return pose;
  }

  ConsultSession& join(const std::string& name, net::Role role) {
    auto token = host->issueToken(name, role);
    REQUIRE(token.ok());
    JoinOptions options;
    options.port = host->port();
    options.token = *token;
    options.bindHost = "127.0.0.1";
    options.nowMs = clock.fn();
    auto joined = ConsultSession::join(options);
    REQUIRE_MESSAGE(joined.ok(), (joined.ok() ? "" : joined.error().message));
    guests.push_back(std::move(*joined));
    guests.back()->setLocalAvatar(
        standingAt({-1.0F + 0.7F * static_cast<float>(guests.size()), 1.6F, -0.8F}));
    return *guests.back();
  }

  // One frame for everyone: 17 ms pass, each session pumps once.
  void step() {
    clock.ms += 17;
    host->pump(1);
    for (auto& g : guests) {
      g->pump(1);
    }
  }
  bool pumpUntil(const std::function<bool()>& done) {
    for (int i = 0; i < kPumpBound; ++i) {
      if (done()) {
        return true;
      }
      step();
    }
    return done();
  }

  std::optional<HologramGeometry> geometry(const ConsultFrame& f) const {
    if (!f.hologram) {
      return std::nullopt;
    }
    return HologramGeometry{patientToRoom(f.hologram->transform, centre), info};
  }
};

}  // namespace medverse::test
